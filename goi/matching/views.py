"""The matching blueprint: introductions (matching.introduction_views) and, later, recommendations."""

from flask import Blueprint

bp = Blueprint("matching", __name__)
