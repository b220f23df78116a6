"""The admin dashboard: the verification queue's size and age, accounts and organizations by kind, the outboxes'
health and the latest audit events, from a constant number of queries."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from goi.api.models import Webhook, WebhookDelivery
from goi.core import audit, clock
from goi.core.mail import OutboxMessage
from goi.orgs.models import MemberRole, OrgKind, VerificationRequest
from goi.search.models import SearchOutbox
from tests import factories
from tests.conftest import count_statements


@pytest.fixture
def admin_client(client, world, login_as):
    client.set_cookie("goi_lang", "en")
    login_as("platform_admin")
    return client


def _request(db, organization, user, age: timedelta) -> None:
    db.session.add(
        VerificationRequest(
            organization_id=organization.id,
            submitted_by_id=user.id,
            official_email_domain="example.go.id",
            letter_stored_name="x" * 32,
            letter_filename="surat.pdf",
            letter_size=100,
            created_at=clock.now() - age,
        )
    )


def _mail(db, **fields) -> None:
    db.session.add(OutboxMessage(recipient="a@example.id", subject="S", body_text="B", kind="test", **fields))


def _cell(html: str, row_class: str) -> str:
    """The text of the first right-aligned cell of the table row with that class."""
    match = re.search(rf'<tr class="{row_class}[^"]*">.*?<td class="text-end[^"]*">(\d+)</td>', html, re.S)
    assert match, row_class
    return match.group(1)


def test_only_platform_admins_see_the_dashboard(client, world, login_as):
    assert client.get("/admin/").status_code == 302
    for role in ("user", "org_admin", "gov_admin"):
        login_as(role)
        assert client.get("/admin/").status_code == 403


def test_the_dashboard_shows_queue_outboxes_kinds_and_events(admin_client, db, world):
    user = world["users"]["user"]
    city = factories.make_org(OrgKind.GOVERNMENT, slug="kota-uji", name="Kota Uji")
    _request(db, city, user, timedelta(days=5))
    _request(db, city, user, timedelta(hours=2))
    _mail(db)  # waiting
    _mail(db, attempts=2, last_error="timeout")  # waiting, retried
    _mail(db, sent_at=clock.now())  # sent: counts nowhere
    _mail(db, failed_at=clock.now(), attempts=8)  # given up on
    hook = Webhook(
        organization_id=city.id,
        url="https://example.go.id/goi",
        events="challenge.published",
        scope="own",
        secret="s" * 40,
        created_by_id=user.id,
    )
    db.session.add(hook)
    db.session.flush()
    for fields in ({}, {"attempts": 1}, {"attempts": 2}, {"failed_at": clock.now()}, {"delivered_at": clock.now()}):
        db.session.add(WebhookDelivery(webhook_id=hook.id, event="challenge.published", payload="{}", **fields))
    audit.record("test.dashboard_event", actor_id=user.id, object_type="organization", object_id=city.id)
    db.session.commit()  # the organization's index change is applied after this commit
    # A row a crashed writer left (written beside the session's tracking, so no commit hook applies it).
    db.session.execute(insert(SearchOutbox).values(doc_type="challenge", object_id=1, created_at=clock.now()))
    db.session.commit()

    html = admin_client.get("/admin/").get_data(as_text=True)
    assert re.search(r'class="admin-verification-waiting">2<', html)
    assert "oldest waiting 5 days" in html
    assert "1 waits longer than 3 days" in html
    assert _cell(html, "admin-outbox-mail") == "2"
    assert "1 being retried" in html
    assert _cell(html, "admin-outbox-mail-failed") == "1"
    assert _cell(html, "admin-outbox-search") == "1"
    assert _cell(html, "admin-outbox-webhooks") == "3"  # waiting, two of them retried
    assert "2 being retried" in html
    assert _cell(html, "admin-outbox-webhooks-failed") == "1"
    assert "test.dashboard_event" in html and user.email in html
    # Organizations by kind: the new city is a government, unverified.
    governments = re.search(r'<tr class="admin-organizations-government">(.*?)</tr>', html, re.S).group(1)
    total, verified = re.findall(r'<td class="text-end">(\d+)</td>', governments)
    assert int(total) - int(verified) >= 1


def test_accounts_by_the_kind_of_their_organizations(admin_client, db, world):
    before = admin_client.get("/admin/").get_data(as_text=True)
    investors_before = int(_cell(before, "admin-members-investor"))
    alone_before = int(re.search(r'admin-accounts-alone">(\d+)<', before).group(1))
    fund = factories.make_org(OrgKind.INVESTOR, slug="dana-uji", name="Dana Uji")
    factories.add_member(fund, factories.make_user(email="investor@example.id"), MemberRole.MEMBER)
    factories.make_user(email="warga-baru@example.id")
    db.session.commit()
    after = admin_client.get("/admin/").get_data(as_text=True)
    assert int(_cell(after, "admin-members-investor")) == investors_before + 1
    assert int(re.search(r'admin-accounts-alone">(\d+)<', after).group(1)) == alone_before + 1


def test_an_empty_queue_and_log_say_so(admin_client, db):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert "none waiting" in html


def test_the_dashboard_takes_the_same_queries_whatever_the_data(admin_client, db, world):
    few = count_statements(admin_client, "/admin/")
    user = world["users"]["user"]
    for number in range(5):
        organization = factories.make_org(OrgKind.INDUSTRY, slug=f"usaha-{number}")
        _request(db, organization, user, timedelta(days=number))
        _mail(db)
        audit.record("test.more", actor_id=user.id)
    db.session.commit()
    assert count_statements(admin_client, "/admin/") == few
