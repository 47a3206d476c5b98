"""Celery tasks of the reports app: thin wrappers around reports.exports.jobs."""

from celery import shared_task

from reports.exports import jobs


@shared_task(name="reports.run_export", acks_late=True, reject_on_worker_lost=True)
def run_export(job_id: int, organization_id: int) -> str:
    """Acks late: a worker killed mid-export leaves the message to be redelivered and the job
    restarted (see jobs._claim); a finished job is never rebuilt."""
    return jobs.run_export_job(job_id, organization_id)


@shared_task(name="reports.expire_exports")
def expire_exports() -> int:
    return jobs.expire_exports()


@shared_task(name="reports.redispatch_exports")
def redispatch_exports() -> int:
    return jobs.redispatch_exports()
