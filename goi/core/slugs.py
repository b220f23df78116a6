"""URL slugs from names and titles, unique within a column."""

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from goi.extensions import db


def slugify(text: str, fallback: str, limit: int = 60) -> str:
    """Lowercase ASCII words joined by hyphens ("Kota Bau-Bau" → "kota-bau-bau")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or fallback


def unique_slug(column: InstrumentedAttribute, text: str, fallback: str, limit: int = 60) -> str:
    """A slug of text not yet taken in column: the slug itself, else slug-2, slug-3 …"""
    base = slugify(text, fallback, limit)
    taken = set(db.session.scalars(select(column).where(column.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
