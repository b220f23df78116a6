"""Apps of the development and production profiles on the run's database, without outside services."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from config import Config, ProductionConfig
from goi import create_app
from goi.core import clock
from goi.core.logs import configure_logging
from goi.extensions import limiter
from tests import database


def make_app(settings: type[Config], folder: Path, **overrides) -> Flask:
    """An app of the profile with its files in folder, on the run's database; production's Redis stores are
    replaced by memory and its secret key by a random one."""
    options = {
        "INSTANCE_PATH": str(folder / "instance"),
        "UPLOAD_PATH": str(folder / "uploads"),
        "SQLALCHEMY_DATABASE_URI": database.url(),
    }
    if settings is ProductionConfig:
        options.update(SECRET_KEY=secrets.token_hex(20), CACHE_TYPE="SimpleCache", RATELIMIT_STORAGE_URI="memory://")
    return create_app(settings, **{**options, **overrides})


@contextmanager
def serving(app: Flask) -> Iterator[Flask]:
    """The app's context with every table empty; afterwards the `goi` loggers as the test profile sets them."""
    limiter.reset()
    try:
        with app.app_context(), database.empty_tables():
            yield app
    finally:
        clock.reset()
        configure_logging("test")
