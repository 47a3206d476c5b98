from django.core.management.base import BaseCommand

from accounts.demo import demo_code_now, demo_secret


class Command(BaseCommand):
    help = "Print the demo authenticator's current code (demo data only; refused in production)."

    def handle(self, *args, **options):
        code, seconds = demo_code_now()
        self.stdout.write(f"{code}  (valid {seconds}s more; demo secret {demo_secret()})")
