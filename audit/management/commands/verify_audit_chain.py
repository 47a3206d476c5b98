from django.core.management.base import BaseCommand, CommandError

from audit.chain import ChainReport, verify_chain


def _name(chain: ChainReport) -> str:
    return "platform chain" if chain.organization_id is None else f"organisation {chain.organization_id}"


class Command(BaseCommand):
    help = (
        "Recompute each organisation's audit chain, hold it against its last signed anchor, and report "
        "per organisation; exits non-zero if any chain or anchor fails."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if report.store_error:
            raise CommandError(f"Audit anchors unreadable: {report.store_error}")
        for chain in report.chains:
            anchored = "not anchored yet" if chain.anchored_seq is None else f"anchored at {chain.anchored_seq}"
            line = f"{_name(chain)}: {chain.checked} events, head {chain.head_seq}, {anchored}"
            if chain.ok:
                self.stdout.write(f"{line}: intact")
            else:
                at = f" at event {chain.broken_at}" if chain.broken_at is not None else ""
                self.stdout.write(self.style.ERROR(f"{line}: BROKEN{at}: {chain.reason}"))
        if not report.ok:
            failed = ", ".join(_name(chain) for chain in report.failures)
            first = report.failures[0]
            at = f" broken at event {first.broken_at}" if first.broken_at is not None else " failed"
            raise CommandError(f"Audit chain{at}: {first.reason} ({failed}).")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chains intact: {report.checked} events in {len(report.chains)} chains verified.")
        )
