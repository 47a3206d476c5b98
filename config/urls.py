from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.api import MeView, TokenCreateView
from audit.views import audit_log
from config.api_urls import router
from core.health import healthz
from core.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("vendors/", include("vendors.urls")),
    path("compliance/", include("compliance.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("reports.export_urls")),
    path("review/", include("review.urls")),
    path("market/", include("market.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/me", MeView.as_view(), name="api-me"),
    path("api/v1/auth/token/", TokenCreateView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
