from django.core.management.base import BaseCommand, CommandError

from audit.anchors import anchor_chains


class Command(BaseCommand):
    help = "Sign the head of every audit chain into AUDIT_ANCHOR_DIR now (beat does it every interval)."

    def handle(self, *args, **options):
        result = anchor_chains()
        self.stdout.write(f"{result['anchored']} chains anchored.")
        if result["refused"]:
            details = "; ".join(f"{chain}: {reason}" for chain, reason in result["refused"].items())
            raise CommandError(f"Not anchored, the chain does not verify: {details}")
