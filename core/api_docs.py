"""The API schema (built once per process and language) and its documentation page, served from
drf-spectacular-sidecar's files under the Content Security Policy.

Swagger UI runs as it is once its start-up script is a file (the split view). There is no Redoc page: its
bundle loads Redocly's logo from their CDN and styles itself with inline <style> elements, and every asset
of this app is served by the app itself. /api/redoc/ leads to Swagger UI so old links keep working.
"""

from django.conf import settings
from django.utils import translation
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response


class CachedSchemaView(SpectacularAPIView):
    """/api/schema/: the OpenAPI document, generated on the first request per language and kept for the life of
    the process. Generating it walks every view and serializer (about a second); the schema changes only with
    the code, and a deploy starts new processes, so nothing can serve an old one. Only the languages the site
    speaks are kept (an unknown ``?lang=`` or ``?version=`` is generated and not stored)."""

    _built: dict[str, dict] = {}

    def _get_schema_response(self, request):
        language = translation.get_language()
        version = self.api_version or request.version or self._get_version_parameter(request)
        cacheable = version is None and language in {code for code, _name in settings.LANGUAGES}
        if not cacheable or language not in self._built:
            response = super()._get_schema_response(request)
            if not cacheable:
                return response
            self._built[language] = response.data
        return Response(
            data=self._built[language],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )


schema = CachedSchemaView.as_view()

swagger = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
redoc = RedirectView.as_view(pattern_name="api-docs", permanent=False)
