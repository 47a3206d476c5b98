from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from audit.context import acting_as
from audit.recorder import batched
from core.demo import DEMO_PASSWORD, seed_all


class Command(BaseCommand):
    help = "Create (or complete) the demo organisations, people and registers. Safe to run again."

    def handle(self, *args, **options):
        # Demo notifications are kept in memory, not printed as dozens of console emails.
        quiet_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        with quiet_mail, acting_as(None), transaction.atomic(), batched():
            world = seed_all()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for email, org, role in world.logins:
            self.stdout.write(f"  {email:<28} {role:<24} {org}")
