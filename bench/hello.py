"""The load benchmark's baseline: the smallest Flask page, under the production profile's settings."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("GOI_SECRET_KEY", ""),
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    PREFERRED_URL_SCHEME="https",
)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


@app.get("/")
def hello() -> str:
    """A fixed page of a few bytes."""
    return "<!doctype html><title>Hello</title><p>Hello, GOI.</p>"
