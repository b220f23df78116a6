"""Settings for every profile, read from GOI_* environment variables."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
_INSECURE_KEYS = {"", "dev", "change-me", "development-only-secret"}


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"GOI_{name}", default)


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every profile."""

    ENV_NAME = "base"
    INSTANCE_PATH = _env("INSTANCE_PATH", str(BASE_DIR / "instance"))
    SECRET_KEY = _env("SECRET_KEY", "development-only-secret")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)
    UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    UPLOAD_PATH = _env("UPLOAD_PATH")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("id", "en")

    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ACCOUNT = _env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = _env("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")
    RESET_LIMIT_PER_IP = _env("RESET_LIMIT_PER_IP", "10 per hour")
    # Each API token's own budget (the limiter's store: Redis in production through RATELIMIT_STORAGE_URI).
    API_TOKEN_RATE_LIMIT = _env("API_TOKEN_RATE_LIMIT", "600 per minute")

    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_SENDER = _env("MAIL_SENDER", "GOI <no-reply@goi.example.id>")
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 5)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    # Without an SMTP server, development writes each message to the log instead.
    MAIL_LOG_ONLY = _env_bool("MAIL_LOG_ONLY", False)
    # The level of the `goi` loggers (goi.core.logs): readable lines in development, JSON lines in production.
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    # Search: the Whoosh index directory (<instance>/search when unset); the index is updated after each commit
    # (off: only `flask goi search sync` applies the outbox); how long a commit waits for the index's write lock.
    SEARCH_INDEX_PATH = _env("SEARCH_INDEX_PATH")
    SEARCH_SYNC_ON_COMMIT = _env_bool("SEARCH_SYNC_ON_COMMIT", True)
    SEARCH_LOCK_TIMEOUT = float(_env("SEARCH_LOCK_TIMEOUT", "1.0"))

    # The page cache (goi/site/page_cache.py): anonymous visitors' public pages, each kept at most PAGE_CACHE_SECONDS
    # (and never past the next deadline it shows), dropped by any change public pages show. Flask-Caching's store:
    # a file cache under <instance>/page_cache shared by one host's workers unless CACHE_TYPE says otherwise.
    PAGE_CACHE = _env_bool("PAGE_CACHE", True)
    PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 60)
    # Entries each process also keeps in memory (checked like the shared store's); 0 keeps none.
    PAGE_CACHE_LOCAL_ENTRIES = _env_int("PAGE_CACHE_LOCAL_ENTRIES", 256)
    CACHE_TYPE = _env("CACHE_TYPE", "FileSystemCache")
    CACHE_DIR = _env("CACHE_DIR")
    CACHE_THRESHOLD = _env_int("CACHE_THRESHOLD", 20000)
    CACHE_REDIS_URL = _env("CACHE_REDIS_URL", "redis://127.0.0.1:6379/0")
    CACHE_KEY_PREFIX = "goi:"
    # Static files whose URL carries their content hash (?v=) are kept by browsers this long.
    STATIC_VERSIONED_MAX_AGE = _env_int("STATIC_VERSIONED_MAX_AGE", 365 * 24 * 3600)

    # Open data (/data): the licence every dataset and file names, and the publisher the DCAT catalogue names.
    OPEN_DATA_LICENSE_NAME = _env(
        "OPEN_DATA_LICENSE_NAME", "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    )
    OPEN_DATA_LICENSE_URL = _env("OPEN_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/")
    OPEN_DATA_PUBLISHER = _env("OPEN_DATA_PUBLISHER", "GOI — Global Open Innovation")

    # Webhooks may call addresses that resolve to private, loopback or link-local hosts (a closed network's own
    # systems); off, such an address is refused at registration and at each delivery.
    WEBHOOK_ALLOW_PRIVATE = _env_bool("WEBHOOK_ALLOW_PRIVATE", False)

    # How often a process re-reads the next challenge deadline (another process may have moved it).
    DEADLINE_REFRESH_SECONDS = _env_int("DEADLINE_REFRESH_SECONDS", 60)
    # A write in a transaction begun to read raises instead of being logged (goi.core.transactions).
    GUARD_READ_TRANSACTIONS = False

    # werkzeug's scrypt at its default cost (N=2**15, r=8, p=1).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a hash method name)
    EMAIL_TOKEN_MAX_AGE = _env_int("EMAIL_TOKEN_MAX_AGE", 3 * 24 * 3600)
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 3600)
    INVITATION_MAX_AGE_DAYS = _env_int("INVITATION_MAX_AGE_DAYS", 14)
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    PREFERRED_URL_SCHEME = "http"
    DEBUG = False
    TESTING = False

    @staticmethod
    def validate(settings: dict) -> None:
        """Refuse settings that are unsafe for this profile."""


class DevelopmentConfig(Config):
    """One machine, embedded SQLite, mail to the log and to /dev/outbox."""

    ENV_NAME = "development"
    DEBUG = _env_bool("DEBUG", False)
    MAIL_LOG_ONLY = _env_bool("MAIL_LOG_ONLY", True)


class TestConfig(Config):
    """Fast and isolated: a fresh database per test."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (the test profile only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_LOG_ONLY = False
    LOG_LEVEL = "INFO"
    WTF_CSRF_ENABLED = True
    GUARD_READ_TRANSACTIONS = True
    # Still scrypt, at a cost that keeps the suite fast; production keeps the default cost.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 (a hash method name)
    BASE_URL = "http://localhost"
    SERVER_NAME = None
    # Off, so that tests see every request reach its view; tests/site/test_page_cache.py turns it on.
    PAGE_CACHE = False
    CACHE_TYPE = "SimpleCache"


class ProductionConfig(Config):
    """Several app hosts behind a reverse proxy, PostgreSQL and Redis."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # Shared by every host, so that a change is seen by all of them on the next request.
    CACHE_TYPE = _env("CACHE_TYPE", "RedisCache")

    @staticmethod
    def validate(settings: dict) -> None:
        """Refuse to start without a real secret key and a database."""
        key = settings.get("SECRET_KEY") or ""
        if key.strip() in _INSECURE_KEYS or len(key) < 32:
            raise RuntimeError("GOI_SECRET_KEY must be set to a random value of at least 32 characters")
        if not settings.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("GOI_DATABASE_URL must be set in production")


PROFILES = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The settings class named by GOI_CONFIG (development when unset)."""
    name = name or _env("CONFIG", "development")
    try:
        return PROFILES[name]
    except KeyError:
        raise RuntimeError(f"unknown GOI_CONFIG profile {name!r}") from None
