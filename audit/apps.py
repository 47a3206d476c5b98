from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audit import privileges, recorder

        recorder.connect()
        post_migrate.connect(privileges.ensure_append_only, sender=self, dispatch_uid="backstop-audit-append-only")
