"""The headers that let a browser do no more with the pages than they need.

The pages show untrusted text (titles and texts of notices): were an escape ever missed,
the Content-Security-Policy still runs no script but the app's own files, loads nothing
from elsewhere (the app works offline: cytoscape.js, Swagger UI and ReDoc are vendored), and
lets no other site frame the pages or read where a user came from.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The one stylesheet cytoscape.min.js writes into a page (its renderer's constructor); the
# policy allows it by its hash rather than allowing every inline style.
CYTOSCAPE_STYLESHEET = ".__________cytoscape_container { position: relative; }"
# ReDoc's styled-components writes empty <style> elements and fills them through the CSSOM, which
# no policy governs; an empty element is allowed by the hash of "". ReDoc also writes
# perfect-scrollbar's stylesheet, 6,493 characters of static/redoc/redoc.standalone.js 2.5.4 (a new
# version changes it, and the browser test of /redoc says so).
EMPTY_STYLESHEET = ""
REDOC_SCROLLBAR_STYLESHEET_HASH = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
API_DOCUMENTATION_PATHS = frozenset({"/docs", "/redoc"})  # where app.py serves Swagger UI and ReDoc


def source_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


SITE_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": f"'self' {source_hash(CYTOSCAPE_STYLESHEET)}",
    "img-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
# The API's documentation shows the app's own OpenAPI description and no notice text, so its
# pages may have what the vendored Swagger UI and ReDoc need: ReDoc's stylesheets and its search
# worker (made by its script from a blob: URL), and the icons swagger-ui.css draws as data: URLs.
# The pages' scripts stay the app's own files.
API_DOCUMENTATION_POLICY = SITE_POLICY | {
    "style-src": f"'self' {source_hash(EMPTY_STYLESHEET)} {REDOC_SCROLLBAR_STYLESHEET_HASH}",
    "img-src": "'self' data:",
    "worker-src": "blob:",
}


def _header(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


SECURITY_HEADERS = {
    "Content-Security-Policy": _header(SITE_POLICY),
    "X-Content-Type-Options": "nosniff",  # a notice's bytes are never run as a script or a stylesheet
    "Referrer-Policy": "no-referrer",  # a search's words stay out of the next site's logs
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}
API_DOCUMENTATION_HEADERS = SECURITY_HEADERS | {"Content-Security-Policy": _header(API_DOCUMENTATION_POLICY)}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every answer (pages, API, static files and errors),
    and API_DOCUMENTATION_HEADERS to the pages of API_DOCUMENTATION_PATHS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = API_DOCUMENTATION_HEADERS if scope["path"] in API_DOCUMENTATION_PATHS else SECURITY_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
