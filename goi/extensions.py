"""Flask extensions, created unbound and initialised by create_app."""

from functools import cached_property

from flask import request
from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints have stable names across databases."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def client_address() -> str:
    """The client's address as the WSGI server saw it (ProxyFix sets it behind a proxy)."""
    return get_remote_address() or request.remote_addr or "unknown"


class _LocaleDomain(Domain):
    """Flask-Babel's message domain, finding the current locale's catalogue by the locale's parts.

    Flask-Babel formats the locale's name on every lookup (a few hundred per page); the catalogue itself, and
    everything else, is Flask-Babel's.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._by_locale: dict[tuple, object] = {}

    def get_translations(self):
        locale = get_locale()
        if locale is None:  # outside a request
            return super().get_translations()
        key = (locale.language, locale.territory, locale.script, locale.variant)
        found = self._by_locale.get(key)
        if found is None:
            found = self._by_locale[key] = super().get_translations()
        return found


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _LocaleDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = _Babel()
limiter = Limiter(key_func=client_address, default_limits=[])
