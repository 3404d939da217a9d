"""The headers that let a browser do no more with the pages than they need.

The pages show untrusted text (titles and texts of notices): were an escape ever missed,
the Content-Security-Policy still runs no script but the app's own files, loads nothing
from elsewhere (the app works offline, cytoscape.js is vendored), and lets no other site
frame the pages or read where a user came from.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The one stylesheet cytoscape.min.js writes into a page (its renderer's constructor); the
# policy allows it by its hash rather than allowing every inline style.
CYTOSCAPE_STYLESHEET = ".__________cytoscape_container { position: relative; }"


def source_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    f"style-src 'self' {source_hash(CYTOSCAPE_STYLESHEET)}",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",  # a notice's bytes are never run as a script or a stylesheet
    "Referrer-Policy": "no-referrer",  # a search's words stay out of the next site's logs
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every answer: pages, API, static files and errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
