"""Challenge pages."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)
