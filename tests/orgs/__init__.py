"""Organization tests, and a test client that starts each request with a fresh flask.g.

Any app context pushed around a test (the app fixture's, or one a test opens for its own app) is reused by
the test client's requests, so flask.g (flask-login's cached user, the permission caches) would otherwise survive
from one request, or one client, to the next, unlike in a real server. tests/conftest.py does the same for the
app fixture; this client also covers apps a test builds itself.
"""

from flask import Flask, g
from flask.testing import FlaskClient


class FreshGlobalsClient(FlaskClient):
    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name, None)
        return super().open(*args, **kwargs)


def fresh_client(app: Flask) -> FlaskClient:
    return FreshGlobalsClient(app, app.response_class, use_cookies=True)
