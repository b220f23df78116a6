"""A new resident's first visit, in a real browser: register, confirm, log in, switch language, log out."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from goi.core.mail import OutboxMessage
from goi.extensions import db

NAME = "Siti Rahmawati"
EMAIL = "siti.rahmawati@example.id"
PASSWORD = "sungai musi bersih 2026"


def _confirmation_link(live_server) -> str:
    with live_server.app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "confirm_email", OutboxMessage.recipient == EMAIL)
        ).one()
        body = message.body_text
    match = re.search(re.escape(live_server.url) + r"/confirm/\S+", body)
    assert match, f"no confirmation link to {live_server.url} in the mail:\n{body}"
    return match.group(0)


def test_register_confirm_login_switch_language_logout(live_server, page, console, shoot):
    header = page.locator("header")
    main = page.locator("#main")
    html = page.locator("html")

    # 1. The home page, in Indonesian by default.
    page.goto(live_server.url + "/")
    expect(html).to_have_attribute("lang", "id")
    shoot("home")

    # The skip link is the first Tab stop; Enter moves focus to the main content.
    skip_link = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(main).to_be_focused()

    # 2. Register through the header link.
    header.locator('a[href="/register"]').click()
    expect(page).to_have_url(re.compile(r"/register$"))
    shoot("register")
    page.locator("#name").fill(NAME)
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    shoot("register-filled")
    main.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(main.locator(".alert-success")).to_contain_text(EMAIL)
    shoot("registered")

    # 3. Open the emailed confirmation link and press the button.
    page.goto(_confirmation_link(live_server))
    shoot("confirm")
    main.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(main.locator(".alert-success")).to_be_visible()
    shoot("confirmed")

    # 4. Log in; the header shows the user's name, which opens the account menu.
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(header.locator("#account-menu")).to_have_text(NAME)
    expect(html).to_have_attribute("lang", "id")
    shoot("logged-in")

    # 5. Switch to English; the choice is remembered across a reload.
    header.locator('button[name="language"][value="en"]').click()
    expect(html).to_have_attribute("lang", "en")
    header.locator("#account-menu").click()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    shoot("english")
    page.reload()
    expect(html).to_have_attribute("lang", "en")
    header.locator("#account-menu").click()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header.locator('button[name="language"][value="id"]')).to_be_visible()
    shoot("english-reloaded")

    # 6. Log out; the "Log in" link is back.
    header.get_by_role("button", name="Log out").click()
    expect(header.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(header.locator('a[href="/account/profile"]')).to_have_count(0)
    shoot("logged-out")

    assert not console.csp_violations(), "CSP violations in the console:\n" + "\n".join(console.csp_violations())
