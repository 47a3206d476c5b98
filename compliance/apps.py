from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        # Registers the findings chart of the firm dashboard (core.dashboard) once, at startup.
        from compliance import dashboard  # noqa: F401
