from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Supervisory review")

    def ready(self) -> None:
        from review import dashboard  # noqa: F401 - registers the dashboard panels
