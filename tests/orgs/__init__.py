"""Organization tests, and a test client that starts each request with a fresh flask.g.

The app fixture keeps an application context pushed for the whole test, and Flask reuses it for
every request of the test client, so flask.g (flask-login's cached user, the permission caches)
would otherwise survive from one request to the next, unlike in a real server.
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
