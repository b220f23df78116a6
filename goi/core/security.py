"""Security headers on every response; where a form post comes from."""

from urllib.parse import urlsplit

from flask import Flask, Response, request

# The same for every response, so that a page served from the cache carries a policy valid for it: scripts come
# from files of this site only (no template has an inline script, and a per-response nonce cannot be cached).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def apply_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def is_from_this_site() -> bool:
    """Whether the request was sent by a page of this site, by its Origin (or its Referer when it has none)."""
    source = urlsplit(request.headers.get("Origin") or request.headers.get("Referer") or "")
    return source.scheme == request.scheme and source.netloc == request.host


def register_security_headers(app: Flask) -> None:
    app.after_request(apply_security_headers)
