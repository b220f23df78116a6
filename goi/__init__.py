"""GOI (Global Open Innovation): the application factory."""

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, config_for
from goi.core.logs import configure_logging
from goi.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


MAX_RECORD_NUMBER = 2**31 - 1  # an INTEGER key on PostgreSQL


def digits_at_most(number: int) -> str:
    """A regular expression of the decimal numbers from 0 to number (leading zeros allowed)."""
    digits = str(number)
    options = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for index, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - index - 1
            options.append(f"{digits[:index]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    options.append(digits)
    return "0*(?:" + "|".join(options) + ")"


class RecordNumberConverter(IntegerConverter):
    """Flask's <int:…>, bounded to what a key column holds: a larger number is a 404, never a database error.

    The bound is in the regular expression, not only in the conversion: a number the conversion refused after the
    path matched would answer 405 to a method that another rule of the same path takes (werkzeug counts that rule's
    methods before it converts), where no such record is a 404 whatever the method.
    """

    regex = digits_at_most(MAX_RECORD_NUMBER)

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_RECORD_NUMBER)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the application for a settings profile (GOI_CONFIG by default)."""
    settings = config if isinstance(config, type) else config_for(config)
    app = Flask(
        __name__,
        instance_path=str(Path(settings.INSTANCE_PATH).resolve()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = RecordNumberConverter
    app.config.from_object(settings)
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'goi.sqlite3'}"
    settings.validate(app.config)
    configure_logging(app.config["ENV_NAME"], app.config["LOG_LEVEL"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_FIX", settings.ENV_NAME == "production"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errors(app)
    register_templates(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    import goi.models  # noqa: F401  (every table belongs to the metadata)
    from goi.site.locale import current_locale

    _tune_sqlite(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    babel.init_app(app, locale_selector=current_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"


def _tune_sqlite(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        return
    # Copies: the dict in the settings class is shared by every app of every profile in this process.
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = options["connect_args"] = dict(options.get("connect_args") or {})
    connect_args.setdefault("timeout", 15)
    # pysqlite's own transaction handling is turned off so that goi.core.transactions issues each BEGIN.
    connect_args.setdefault("isolation_level", None)
    connect_args.setdefault("check_same_thread", False)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from goi.accounts.views import bp as accounts_bp
    from goi.admin.views import bp as admin_bp
    from goi.alerts.views import bp as alerts_bp
    from goi.api.views import bp as api_bp

    # The challenges blueprint's routes are in its views module and in these: importing them adds their routes to it.
    from goi.challenges import (  # noqa: F401
        addendum_views,
        cover_views,
        document_views,
        following_views,
        question_views,
    )
    from goi.challenges.views import bp as challenges_bp

    # The matching blueprint's routes are in these modules too.
    from goi.matching import introduction_views, recommendation_views  # noqa: F401
    from goi.matching.views import bp as matching_bp
    from goi.metros.views import bp as metros_bp
    from goi.notify.views import bp as notify_bp
    from goi.opendata.views import bp as opendata_bp
    from goi.orgs import project_views  # noqa: F401 (adds its routes to the orgs blueprint)
    from goi.orgs.views import bp as orgs_bp

    # Likewise the proposals blueprint: its views module, and these add their routes to it.
    from goi.proposals import attachment_views, team_views  # noqa: F401
    from goi.proposals.counts import proposal_counts
    from goi.proposals.views import bp as proposals_bp

    # The reviews blueprint's routes are also in these modules.
    from goi.reviews import auto_assign_views, panel_views, ranking_views, round_views, scoring_views  # noqa: F401
    from goi.reviews.scoring import reads_as_panel
    from goi.reviews.services import is_in_published_results, published_results
    from goi.reviews.views import bp as reviews_bp
    from goi.search.service import challenge_ids_for_viewer
    from goi.search.views import bp as search_bp
    from goi.site.views import bp as site_bp
    from goi.statistics.views import bp as statistics_bp

    app.extensions["challenge_keyword_matcher"] = challenge_ids_for_viewer
    # proposals.permissions.is_published_in_results asks the review domain, which builds on proposals.
    app.extensions["published_in_results"] = is_in_published_results
    # proposals.permissions.is_assigned_reviewer: whether the review's panel reads a proposal (its attachments).
    app.extensions["panel_reads_proposal"] = reads_as_panel
    # The owners' dashboard (challenges.dashboard) counts proposals and finds published results, held by the domains
    # above challenges.
    app.extensions["proposal_counts"] = proposal_counts
    app.extensions["published_results"] = published_results
    # The orgs blueprint's routes are also in offer_views (the marketplace of offers and requests).
    from goi.orgs import offer_views  # noqa: F401

    if app.config["ENV_NAME"] == "development":
        # Development only: the address does not exist in any other profile.
        from goi.site.dev_outbox import bp as dev_bp

        app.register_blueprint(dev_bp)
    for blueprint in (
        site_bp,
        accounts_bp,
        orgs_bp,
        admin_bp,
        challenges_bp,
        metros_bp,
        matching_bp,
        proposals_bp,
        reviews_bp,
        notify_bp,
        alerts_bp,
        search_bp,
        statistics_bp,
        api_bp,
        opendata_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from goi.accounts.session import load_user
    from goi.api.handlers import connect_webhook_handlers
    from goi.challenges.deadlines import register_deadline_listeners
    from goi.core import transactions
    from goi.core.policy import enforce_policy
    from goi.core.security import register_security_headers
    from goi.notify.handlers import connect_handlers
    from goi.search.outbox import register_outbox_listeners
    from goi.site.due_work import run_due_work
    from goi.site.page_cache import register_page_cache
    from goi.site.static_versions import register_static_versions

    login_manager.user_loader(load_user)
    connect_handlers()
    connect_webhook_handlers()
    register_outbox_listeners()
    transactions.init_app(app)
    register_deadline_listeners()
    app.before_request(enforce_policy)
    # After the policy check, before any other work: a cached page is served from here.
    register_page_cache(app)
    register_static_versions(app)
    app.before_request(run_due_work)
    register_security_headers(app)

    @app.teardown_request
    def _rollback_on_error(error) -> None:
        if error is not None:
            db.session.rollback()


def register_errors(app: Flask) -> None:
    from goi.site.errors import register_error_pages

    register_error_pages(app)


def register_templates(app: Flask) -> None:
    from goi.site.template_globals import register_template_globals

    register_template_globals(app)


def register_cli(app: Flask) -> None:
    from goi.cli import goi_cli

    app.cli.add_command(goi_cli)
