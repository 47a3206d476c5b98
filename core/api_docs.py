"""The API documentation page, served from drf-spectacular-sidecar's files under the Content Security Policy.

Swagger UI runs as it is once its start-up script is a file (the split view). There is no Redoc page: its
bundle loads Redocly's logo from their CDN and styles itself with inline <style> elements, and every asset
of this app is served by the app itself. /api/redoc/ leads to Swagger UI so old links keep working.
"""

from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

swagger = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
redoc = RedirectView.as_view(pattern_name="api-docs", permanent=False)
