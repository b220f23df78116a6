"""Notification pages: the list, marking read, channel settings."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from goi.core.forms import ActionForm, run_button_action
from goi.core.pagination import paginate
from goi.core.policy import AUTHENTICATED, route
from goi.core.redirects import safe_next
from goi.extensions import db
from goi.notify import services
from goi.notify.forms import PreferencesForm
from goi.notify.models import Channel, Notification

bp = Blueprint("notify", __name__)


@route(bp, "/notifications", AUTHENTICATED)
def index():
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render_template("notify/index.html", page=paginate(query, per_page=30), action_form=ActionForm())


@route(bp, "/notifications/<int:notification_id>/read", AUTHENTICATED, methods=["POST"])
def mark_read(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    # Someone else's notification is as absent as a missing one.
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return run_button_action(
        lambda: services.mark_read(current_user._get_current_object(), notification),
        redirect_to=safe_next(request.form.get("next")) or url_for("notify.index"),
    )


@route(bp, "/notifications/read-all", AUTHENTICATED, methods=["POST"])
def mark_all_read():
    return run_button_action(
        lambda: services.mark_all_read(current_user._get_current_object()),
        redirect_to=url_for("notify.index"),
        done=_("All notifications are marked read."),
    )


@route(bp, "/account/notifications", AUTHENTICATED, methods=["GET", "POST"])
def settings():
    user = current_user._get_current_object()
    form = PreferencesForm()
    if request.method == "GET":
        form.load(services.preferences_of([user.id]).get(user.id, {}))
    if form.validate_on_submit():
        services.save_preferences(user, {kind: Channel(value) for kind, value in form.channels().items()})
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notify.settings"))
    return render_template("notify/settings.html", form=form)
