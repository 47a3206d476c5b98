from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts.demo import demo_code_now, demo_secret, seed_second_factors
from accounts.models import User
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
            emails = [email for email, _org, _role in world.logins]
            with_second_factor = {u.email for u in seed_second_factors(list(User.objects.filter(email__in=emails)))}
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for email, org, role in world.logins:
            marker = "  + second factor" if email in with_second_factor else ""
            self.stdout.write(f"  {email:<28} {role:<24} {org}{marker}")
        code, seconds = demo_code_now()
        self.stdout.write(
            "Second factor (supervisors, leads, firm admins, operator): demo-only authenticator secret "
            f"{demo_secret()}\n  Add it to an authenticator app, or use the code now: {code} (valid {seconds}s more);"
            " `python manage.py demo_code` prints the current one."
        )
