"""Browser fixtures: the app served on loopback from a thread, and Debian's Chromium driven by Playwright."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from config import TestConfig
from goi import create_app
from goi.core import clock
from tests import database

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


@pytest.fixture
def page(browser, console):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message) -> None:
        if message.type == "error":
            console.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()


class Screenshots:
    """Full-page screenshots into tests/screenshots/ numbered in the order taken: 01-home.png, 02-register.png …"""

    def __init__(self, page, directory: Path = SCREENSHOTS) -> None:
        self.page = page
        self.directory = directory
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shoot(page) -> Screenshots:
    return Screenshots(page)


def _record_console(page, console: ConsoleLog) -> None:
    """Collect page's console errors and uncaught errors into console."""

    def on_console(message) -> None:
        if message.type == "error":
            console.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"page error: {error}"))


@pytest.fixture
def new_page(browser, console):
    """A factory of pages, each in its own browser context (own cookies), for flows with several users.

    Every page reports into the same `console` log; the contexts are closed at teardown.
    """
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        _record_console(page, console)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


class SeriesScreenshots:
    """Full-page screenshots of any page into one numbered series: challenge-01-login.png, challenge-02-org.png …"""

    def __init__(self, prefix: str, directory: Path = SCREENSHOTS) -> None:
        self.prefix = prefix
        self.directory = directory
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shoot_series():
    """A factory: shoot_series("challenge") gives a SeriesScreenshots with that file-name prefix."""
    return SeriesScreenshots
