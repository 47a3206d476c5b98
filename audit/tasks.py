from celery import shared_task

from audit.chain import verify_chain


@shared_task(name="audit.verify_chain")
def verify_audit_chain() -> dict:
    """Nightly (beat) and on demand: recompute the chain; the result says where it broke."""
    report = verify_chain()
    return {"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at, "reason": report.reason}
