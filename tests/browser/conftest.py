"""Browser fixtures: the app served on loopback from a thread, and Debian's Chromium driven by Playwright.

Every page a fixture opens is watched by axe (tests/browser/accessibility.py): each screenshot checks the document
shown, a test may call `accessibility.check(page)` between screenshots, and a test that passes fails at teardown if a
document its pages loaded was never checked.
"""

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from config import TestConfig
from goi import create_app
from goi.core import clock
from tests import database
from tests.browser.accessibility import Accessibility
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    """The running app: its base URL and the Flask object (for app_context() look-ups)."""

    app: Flask
    url: str


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    app = create_app(
        TestConfig,
        INSTANCE_PATH=str(tmp_path / "instance"),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        SQLALCHEMY_DATABASE_URI=database.shared_url(tmp_path),
    )
    with app.app_context():
        database.prepare_tables()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # emailed links point to this server
    thread = threading.Thread(target=server.serve_forever, name="goi-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            database.release_tables()
        clock.reset()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class ConsoleLog:
    """Console messages of type error and uncaught page errors, as text."""

    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [text for text in self.errors if "Content Security Policy" in text]


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_passed = report.passed  # read by the accessibility fixture's teardown
    return report


@pytest.fixture
def accessibility(request) -> Iterator[Accessibility]:
    checker = Accessibility()
    yield checker
    unchecked = checker.unchecked()
    if getattr(request.node, "call_passed", False) and unchecked:
        pytest.fail(
            "documents loaded but never checked by axe (shoot them or call accessibility.check):\n"
            + "\n".join(unchecked)
        )


def _record_console(page, console: ConsoleLog) -> None:
    """Collect page's console errors and uncaught errors into console."""

    def on_console(message) -> None:
        if message.type == "error":
            console.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"page error: {error}"))


def _open_page(context, console: ConsoleLog, accessibility: Accessibility):
    """A new page of context whose console errors go to console and whose documents axe watches."""
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    _record_console(page, console)
    accessibility.watch(page)
    return page


@pytest.fixture
def page(browser, console, accessibility):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _open_page(context, console, accessibility)
    try:
        yield page
    finally:
        context.close()


class Screenshots:
    """Full-page screenshots into tests/screenshots/ numbered in the order taken: 01-home.png, 02-register.png …"""

    def __init__(self, page, check: Callable, directory: Path = SCREENSHOTS) -> None:
        self.page = page
        self.check = check
        self.directory = directory
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.check(self.page)
        return path


@pytest.fixture
def shoot(page, accessibility) -> Screenshots:
    return Screenshots(page, accessibility.check)


@pytest.fixture
def new_page(browser, console, accessibility):
    """A factory of pages, each in its own browser context (own cookies), for flows with several users.

    Every page reports into the same `console` log and is watched by axe; the contexts are closed at teardown.
    """
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        return _open_page(context, console, accessibility)

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


class SeriesScreenshots:
    """Full-page screenshots of any page into one numbered series: challenge-01-login.png, challenge-02-org.png …"""

    def __init__(self, prefix: str, check: Callable, directory: Path = SCREENSHOTS) -> None:
        self.prefix = prefix
        self.check = check
        self.directory = directory
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.check(page)
        return path


@pytest.fixture
def shoot_series(accessibility):
    """A factory: shoot_series("challenge") gives a SeriesScreenshots with that file-name prefix, checking by axe."""
    return lambda prefix: SeriesScreenshots(prefix, accessibility.check)


@pytest.fixture
def log_in(live_server, accessibility) -> Callable:
    """log_in(page, email, name): through the login form; the login page and the page it leads to are checked."""

    def log_in_as(page, email: str, name: str, password: str = PASSWORD) -> None:
        page.goto(live_server.url + "/login")
        accessibility.check(page)
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.locator("#main form button[type=submit]").click()
        expect(page.locator("header")).to_contain_text(name)
        accessibility.check(page)

    return log_in_as


def open_navigation(page) -> None:
    """Open the narrow screen's navigation and wait for its opening transition to end: a click on an item while it
    still moves can land elsewhere."""
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bcollapse show\b"))
