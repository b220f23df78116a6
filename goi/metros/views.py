"""Metropolitan area pages: the list of areas and one area's members, governments, challenges and figures."""

from flask import Blueprint, abort, render_template

from goi.core.policy import PUBLIC, route
from goi.data import regions

bp = Blueprint("metros", __name__)


@route(bp, "/metros", PUBLIC)
def index():
    return render_template("metros/index.html", metros=regions.metros())


@route(bp, "/metros/<code>", PUBLIC)
def show(code: str):
    metro = regions.metro(code)
    if metro is None:
        abort(404)
    return render_template("metros/show.html", metro=metro)
