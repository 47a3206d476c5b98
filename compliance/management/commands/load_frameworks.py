"""manage.py load_frameworks: load every compliance/frameworks/*/*.yaml (idempotent; refuses changed versions)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.loader import FrameworkFileError, load_all


class Command(BaseCommand):
    help = "Load the checklist data files. Published versions are immutable; a new version file adds rows."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Load from this directory instead of compliance/frameworks/.")

    def handle(self, *args, **options):
        try:
            report = load_all(Path(options["dir"]) if options.get("dir") else None)
        except FrameworkFileError as exc:
            raise CommandError("Checklist files not loaded:\n" + "\n".join(exc.problems)) from exc
        for label in report.created:
            self.stdout.write(self.style.SUCCESS(f"loaded {label}"))
        for label in report.unchanged:
            self.stdout.write(f"unchanged {label}")
