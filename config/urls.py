from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts.api import MeView, PasswordTokenView
from audit.views import audit_log, audit_log_export
from config.api_urls import router
from core import api_docs
from core.health import healthz
from core.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("audit/export.xlsx", audit_log_export, name="audit_log_export"),
    path("vendors/", include("vendors.urls")),
    path("compliance/", include("compliance.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("reports.export_urls")),
    path("review/", include("review.urls")),
    path("market/", include("market.urls")),
    path("outages/", include("outages.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/me", MeView.as_view(), name="api-me"),
    path("api/v1/auth/token/", PasswordTokenView.as_view(), name="api-token"),
    path("api/schema/", api_docs.schema, name="api-schema"),
    path("api/docs/", api_docs.swagger, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
]

handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
