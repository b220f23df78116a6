"""The platform admin's user list (disable, enable) and audit log."""

import re

from sqlalchemy import select

from goi.accounts.models import User
from goi.core import audit
from goi.core.audit import AuditEvent
from tests.conftest import log_in, post_form
from tests.factories import PASSWORD


def _actions(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _disable(client, user):
    return post_form(client, f"/admin/users/{user.id}/disable", page="/admin/users")


def _enable(client, user):
    return post_form(client, f"/admin/users/{user.id}/enable", page="/admin/users")


def _login(browser, email, password=PASSWORD):
    return post_form(browser, "/login", {"email": email, "password": password})


def _audit_actions(html: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


def test_admin_area_is_for_platform_admins_only(app, client, world, login_as):
    assert client.get("/admin/users").status_code == 302
    for role in ("user", "org_admin", "gov_admin"):
        login_as(role)
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/audit").status_code == 403
    login_as("platform_admin")
    assert client.get("/admin/users").status_code == 200
    assert client.get("/admin/audit").status_code == 200


def test_non_admin_cannot_disable(app, client, db, world, login_as):
    login_as("user")
    target = world["users"]["org_member"]
    # A page of its own gives the user a valid CSRF token; the policy still refuses.
    response = post_form(client, f"/admin/users/{target.id}/disable", page="/account/profile")
    assert response.status_code == 403
    db.session.refresh(target)
    assert not target.is_disabled


def test_users_page_lists_and_searches(client, world, login_as):
    login_as("platform_admin")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "warga@example.id" in html and "owner@industri.id" in html
    found = client.get("/admin/users?q=WARGA").get_data(as_text=True)
    assert "warga@example.id" in found
    assert "owner@industri.id" not in found


def test_disabling_ends_sessions_blocks_login_and_is_audited(app, client, db, world, login_as):
    admin = login_as("platform_admin")
    target = world["users"]["user"]
    victim = app.test_client()
    assert _login(victim, target.email).status_code == 302
    assert victim.get("/account/profile").status_code == 200

    response = _disable(client, target)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/users")
    db.session.refresh(target)
    assert target.is_disabled

    assert victim.get("/account/profile").status_code == 302
    fresh = app.test_client()
    assert _login(fresh, target.email).status_code == 422
    assert fresh.get("/account/profile").status_code == 302
    # Even a session carrying the current version is refused while disabled.
    forged = app.test_client()
    log_in(forged, target)
    assert forged.get("/account/profile").status_code == 302

    [event] = _actions(db, "admin.user_disabled")
    assert event.actor_id == admin.id
    assert (event.object_type, event.object_id) == ("user", target.id)


def test_enabling_again_allows_login(app, client, db, world, login_as):
    admin = login_as("platform_admin")
    target = world["users"]["user"]
    assert _disable(client, target).status_code == 302
    assert _enable(client, target).status_code == 302
    db.session.refresh(target)
    assert not target.is_disabled
    browser = app.test_client()
    assert _login(browser, target.email).status_code == 302
    assert browser.get("/account/profile").status_code == 200
    [event] = _actions(db, "admin.user_enabled")
    assert event.actor_id == admin.id
    assert event.object_id == target.id


def test_admin_cannot_disable_themselves(client, db, world, login_as):
    admin = login_as("platform_admin")
    response = _disable(client, admin)
    assert response.status_code == 302
    db.session.refresh(admin)
    assert not admin.is_disabled
    assert _actions(db, "admin.user_disabled") == []
    assert client.get("/admin/users").status_code == 200


def test_disable_unknown_user_is_404(client, world, login_as):
    login_as("platform_admin")
    assert post_form(client, "/admin/users/999999/disable", page="/admin/users").status_code == 404


def test_disable_without_csrf_token_is_refused(client, db, world, login_as):
    login_as("platform_admin")
    target = world["users"]["user"]
    assert client.post(f"/admin/users/{target.id}/disable").status_code == 400
    db.session.refresh(target)
    assert not target.is_disabled


def test_disable_by_get_is_not_allowed(client, db, world, login_as):
    login_as("platform_admin")
    target = world["users"]["user"]
    assert client.get(f"/admin/users/{target.id}/disable").status_code == 405
    db.session.refresh(target)
    assert not target.is_disabled


def test_audit_log_lists_events_and_filters_by_action(client, db, world, login_as):
    login_as("platform_admin")
    target = world["users"]["user"]
    audit.record("auth.login", actor_id=target.id, object_type="user", object_id=target.id)
    audit.record("auth.login_failed", email="x@example.id")
    audit.record("org.created", actor_id=target.id, object_type="organization", object_id=1)
    db.session.commit()

    html = client.get("/admin/audit").get_data(as_text=True)
    assert {"auth.login", "auth.login_failed", "org.created"} <= set(_audit_actions(html))
    assert target.email in html

    filtered = client.get("/admin/audit?action=auth.login").get_data(as_text=True)
    assert sorted(_audit_actions(filtered)) == ["auth.login", "auth.login_failed"]
    assert 'value="auth.login"' in filtered

    prefix = client.get("/admin/audit?action=org.").get_data(as_text=True)
    assert _audit_actions(prefix) == ["org.created"]

    none = client.get("/admin/audit?action=nothing.like.this")
    assert none.status_code == 200
    assert _audit_actions(none.get_data(as_text=True)) == []


def test_audit_log_filter_treats_wildcards_literally(client, db, world, login_as):
    login_as("platform_admin")
    audit.record("auth.login")
    audit.record("org.created")
    db.session.commit()
    # "%" or "_" typed into the filter must not match every action.
    assert _audit_actions(client.get("/admin/audit?action=%25").get_data(as_text=True)) == []
    assert _audit_actions(client.get("/admin/audit?action=_").get_data(as_text=True)) == []


def test_audit_log_pagination(client, db, world, login_as):
    login_as("platform_admin")
    existing = len(db.session.scalars(select(AuditEvent.id)).all())
    for number in range(60):
        audit.record("test.bulk", object_type="thing", object_id=number)
    db.session.commit()
    total = existing + 60
    assert total > 50

    first = client.get("/admin/audit")
    assert first.status_code == 200
    first_html = first.get_data(as_text=True)
    assert len(_audit_actions(first_html)) == 50
    assert 'rel="next"' in first_html

    second = client.get("/admin/audit?page=2")
    assert second.status_code == 200
    second_html = second.get_data(as_text=True)
    assert len(_audit_actions(second_html)) == total - 50
    assert 'rel="prev"' in second_html
    # Newest first: page 1 holds the last 50 events recorded.
    assert "thing 59" in first_html
    assert "thing 59" not in second_html

    filtered = client.get("/admin/audit?action=test.bulk&page=2").get_data(as_text=True)
    assert len(_audit_actions(filtered)) == 10

    assert client.get("/admin/audit?page=999").status_code == 404
    for bad in ("0", "-1", "abc"):
        assert client.get(f"/admin/audit?page={bad}").status_code == 404


def test_disabled_admin_loses_admin_area(app, client, db, world, login_as):
    login_as("platform_admin")
    other_admin = world["users"]["org_owner"]
    other_admin.is_platform_admin = True
    db.session.commit()
    browser = app.test_client()
    log_in(browser, other_admin)
    assert browser.get("/admin/users").status_code == 200
    assert _disable(client, other_admin).status_code == 302
    assert browser.get("/admin/users").status_code == 302
    assert db.session.get(User, other_admin.id).is_disabled
