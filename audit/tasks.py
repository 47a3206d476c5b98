from celery import shared_task

from audit.anchors import anchor_chains as anchor_all_chains
from audit.chain import verify_chain


@shared_task(name="audit.verify_chain")
def verify_audit_chain() -> dict:
    """Nightly (beat) and on demand: recompute every chain and hold it against its last anchor; the
    result says, per organisation, where it broke."""
    return verify_chain().as_dict()


@shared_task(name="audit.anchor_chains")
def anchor_chains() -> dict:
    """Every AUDIT_ANCHOR_INTERVAL_MINUTES (beat): sign each chain's head into AUDIT_ANCHOR_DIR."""
    return anchor_all_chains()
