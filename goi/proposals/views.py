"""Proposal pages."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
