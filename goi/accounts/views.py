"""Account pages: register, confirm, log in and out, passwords, profile."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from goi.accounts import services
from goi.accounts.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from goi.core.errors import DomainError
from goi.core.forms import ActionForm
from goi.core.policy import AUTHENTICATED, PUBLIC, route
from goi.core.redirects import redirect_next, safe_next
from goi.extensions import db, limiter
from goi.site.locale import current_locale

bp = Blueprint("accounts", __name__)


def _login_account_key() -> str:
    return "account:" + services.normalize_email(request.form.get("email", ""))


def _failed_login(response) -> bool:
    # Only failed attempts count: a successful login redirects.
    return response.status_code != 302


def _apply_error(form, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


@route(bp, "/register", PUBLIC, methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    # Where the visitor was going (an invitation's link): through the confirmation and the login, back there.
    next_path = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            services.register_user(
                form.name.data, form.email.data, form.password.data, current_locale(), next_path=next_path
            )
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Account created. We sent a confirmation link to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("accounts.login", next=next_path))
    return render_template("accounts/register.html", form=form), 200 if request.method == "GET" else 422


@route(bp, "/confirm/<token>", PUBLIC, methods=["GET", "POST"])
def confirm(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.confirm_email(token)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return render_template("accounts/confirm.html", form=form, invalid=True), 400
        db.session.commit()
        flash(_("Thank you, your email address is confirmed. You can log in now."), "success")
        return redirect(url_for("accounts.login", next=safe_next(request.args.get("next"))))
    return render_template("accounts/confirm.html", form=form, invalid=False)


@route(bp, "/confirm", PUBLIC, methods=["GET", "POST"], endpoint="resend_confirmation")
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        db.session.commit()
        flash(_("If that account waits for confirmation, a new link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend_confirmation.html", form=form)


@route(bp, "/login", PUBLIC, methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed_login, scope="login-ip"
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed_login,
    scope="login-account",
)
def login():
    if current_user.is_authenticated:
        return redirect_next()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # keeps the audit record of the failure
            flash(error.message, "danger")
        else:
            services.record_login(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect_next()
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 422


@route(bp, "/logout", AUTHENTICATED, methods=["POST"])
def logout():
    services.logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("site.home"))


@route(bp, "/password/forgot", PUBLIC, methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that address, we sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@route(bp, "/password/reset/<token>", PUBLIC, methods=["GET", "POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password is changed. Log in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@route(bp, "/account/password", AUTHENTICATED, methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            # Every other session ended with the version bump; this one continues under the new version.
            login_user(user)
            flash(_("Your password is changed. You were logged out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@route(bp, "/account/profile", AUTHENTICATED, methods=["GET", "POST"])
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.bio.data = user.bio_source
        form.fill_matching_profile(user)
        form.languages.data = user.language_list
        form.province_code.data = user.province_code or ""
        form.regency_code.data = user.regency_code or ""
    if form.validate_on_submit():
        services.update_profile(user, form.values())
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile_form.html", form=form, user=user)
