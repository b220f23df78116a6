"""`flask goi create-admin`."""

from sqlalchemy import func, select

from goi.accounts.models import User
from goi.core.audit import AuditEvent
from tests.factories import PASSWORD, make_user

ADMIN_PASSWORD = "a long unusual admin phrase"


def _invoke(app, *args):
    from goi.extensions import db

    db.session.commit()  # the command runs in the same app context; leave no transaction open
    result = app.test_cli_runner().invoke(args=["goi", "create-admin", *args])
    db.session.expire_all()
    return result


def _user(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def test_create_admin_creates_confirmed_platform_admin(app, db):
    result = _invoke(app, "Boss@GOI.id", "--name", "Kepala Platform", "--password", ADMIN_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "boss@goi.id" in result.output
    user = _user(db, "boss@goi.id")
    assert user is not None
    assert user.is_platform_admin
    assert user.is_confirmed
    assert user.name == "Kepala Platform"
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(ADMIN_PASSWORD)
    granted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin.granted")).all()
    assert [event.object_id for event in granted] == [user.id]


def test_created_admin_can_log_in_and_open_admin_area(app, db):
    from tests.conftest import post_form

    assert _invoke(app, "boss@goi.id", "--password", ADMIN_PASSWORD).exit_code == 0
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": "boss@goi.id", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_create_admin_promotes_existing_account_without_changing_password(app, db):
    existing = make_user(email="warga@example.id", name="Warga Biasa")
    db.session.commit()
    assert not existing.is_platform_admin
    users = db.session.scalar(select(func.count()).select_from(User))
    result = _invoke(app, "WARGA@example.id", "--password", ADMIN_PASSWORD)
    assert result.exit_code == 0, result.output
    user = _user(db, "warga@example.id")
    assert user.id == existing.id
    assert user.is_platform_admin
    assert user.name == "Warga Biasa"
    assert user.check_password(PASSWORD)
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_create_admin_refuses_common_password(app, db):
    result = _invoke(app, "boss@goi.id", "--password", "password1")
    assert result.exit_code != 0
    assert _user(db, "boss@goi.id") is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_create_admin_refuses_short_password(app, db):
    result = _invoke(app, "boss@goi.id", "--password", "kx9!Qz#")
    assert result.exit_code != 0
    assert _user(db, "boss@goi.id") is None


def test_create_admin_asks_for_password_twice_when_not_given(app, db):
    result = app.test_cli_runner().invoke(
        args=["goi", "create-admin", "boss@goi.id"], input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    )
    db.session.expire_all()
    assert result.exit_code == 0, result.output
    assert _user(db, "boss@goi.id").check_password(ADMIN_PASSWORD)
