"""Security headers on every answer: a strict Content-Security-Policy on pages (scripts,
styles and images from this origin only; no inline script or style, no framing), a
closed one on everything else, and ``nosniff``, ``Referrer-Policy``,
``Permissions-Policy``, ``X-Frame-Options``; ``Strict-Transport-Security`` over HTTPS.

A response that sets its own ``Content-Security-Policy`` keeps it (the API docs pages
allow their one inline script by nonce)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
"""Pages: everything from this origin, nothing inline, never in a frame."""
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
"""API answers and files: nothing to run, never in a frame."""
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000"


def docs_csp(nonce: str) -> str:
    """The API docs pages (Swagger UI, ReDoc): their bundled files, one inline script by
    ``nonce``, inline styles (both render with them) and workers from ``blob:`` (ReDoc)."""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy", PAGE_CSP if html else OTHER_CSP)
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
