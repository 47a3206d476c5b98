from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from vendors.catalog import DEFAULT_PATH, CatalogFileError, load_catalog


class Command(BaseCommand):
    help = "Load or refresh the global provider catalog from a YAML file (idempotent; matched by key)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args, path: str, **options):
        try:
            with acting_as(None, None):
                result = load_catalog(path)
        except (CatalogFileError, OSError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
