"""Development only: the mail the outbox holds, newest first, so that a developer without a mail server can confirm
an account or reset a password. create_app registers this blueprint in the development profile alone."""

from flask import Blueprint, make_response, render_template
from sqlalchemy import select

from goi.core.mail import OutboxMessage
from goi.core.pagination import paginate
from goi.core.policy import PUBLIC, route
from goi.site.page_cache import PRIVATE_CACHE_CONTROL

bp = Blueprint("dev", __name__, url_prefix="/dev")


@route(bp, "/outbox", PUBLIC)
def outbox():
    page = paginate(select(OutboxMessage).order_by(OutboxMessage.id.desc()), per_page=20)
    response = make_response(render_template("site/dev_outbox.html", page=page))
    # Links that log in or set a password: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
