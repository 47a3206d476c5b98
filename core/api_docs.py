"""The API documentation pages, served from drf-spectacular-sidecar's files under the Content Security Policy.

Swagger UI runs as it is once its start-up script is a file (the split view). Redoc styles itself by
inserting <style> elements (styled-components): rather than 'unsafe-inline', its page alone allows styles
carrying this response's nonce, which static/js/redoc-init.js hands to Redoc, and its search worker (a blob:
the bundle builds). Two <style> elements the bundle inserts while it loads, before it can be given the nonce,
are allowed by their hashes (one is empty; both fixed by the pinned drf-spectacular-sidecar — a new version may
need new hashes, which the browser test then names). Still refused, as meant: the Redocly logo from their CDN.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

swagger = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
REDOC_LOAD_TIME_STYLES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]
_REDOC_POLICY = {"style-src": [NONCE, *REDOC_LOAD_TIME_STYLES], "worker-src": ["blob:"]}
redoc = csp_update(_REDOC_POLICY)(SpectacularRedocView.as_view(url_name="api-schema"))
