"""The Whoosh index's schema, and a SearchDocument as the fields Whoosh stores and indexes."""

from datetime import UTC, datetime

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from goi.search.analysis import analyzer, surface_analyzer
from goi.search.types import SearchDocument

TEXT_FIELDS = ("title", "summary", "body")
FIELD_BOOSTS = {"title": 3.0, "summary": 2.0, "body": 1.0}
# Terms (stems) and words (as written) of public documents only: typo correction and "did you mean" never
# reveal a private document's words.
VOCABULARY_FIELD = "vocabulary"
WORDS_FIELD = "words"
NO_DEADLINE = 2**62


def build_schema() -> Schema:
    text_analyzer = analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        object_id=NUMERIC(int, bits=64, stored=True),
        title=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["title"]),
        summary=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["summary"]),
        body=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["body"]),
        vocabulary=TEXT(analyzer=text_analyzer, phrase=False),
        words=TEXT(analyzer=surface_analyzer(), phrase=False),
        sector=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        org_kind=ID(stored=True, sortable=True),
        principals=KEYWORD(stored=True),
        delayed_principals=KEYWORD(stored=True),
        deadline=DATETIME(stored=True),
        created_at=DATETIME(stored=True),
        visible_from=DATETIME(stored=True),
        deadline_sort=NUMERIC(int, bits=64, sortable=True),
        created_sort=NUMERIC(int, bits=64, sortable=True),
        # Thousandths of the document's boost (Whoosh's float columns cannot have a default).
        boost_milli=NUMERIC(int, bits=32, sortable=True),
        boost=STORED,
        ref=STORED,
        url=STORED,
        owner=STORED,
        region=STORED,
        fingerprint=STORED,
    )


def naive(moment: datetime | None) -> datetime | None:
    """Whoosh compares naive datetimes: UTC without its zone."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _epoch(moment: datetime | None, missing: int) -> int:
    return int(moment.timestamp()) if moment is not None else missing


def document_fields(document: SearchDocument, fingerprint: str) -> dict:
    fields = {
        "key": document.key,
        "type": document.type,
        "object_id": document.object_id,
        "title": document.title or "",
        "summary": document.summary or "",
        "body": document.body or "",
        "principals": " ".join(document.principals),
        "delayed_principals": " ".join(document.delayed_principals),
        "deadline_sort": _epoch(document.deadline, NO_DEADLINE),
        "created_sort": _epoch(document.created_at, 0),
        "boost": float(document.boost),
        "boost_milli": round(float(document.boost) * 1000),
        "ref": document.ref,
        "url": document.url,
        "owner": document.owner,
        "region": document.region,
        "fingerprint": fingerprint,
    }
    if "public" in document.principals:
        fields[VOCABULARY_FIELD] = fields[WORDS_FIELD] = " ".join((document.title, document.summary, document.body))
    for name in ("sector", "province", "status", "org_kind"):
        value = getattr(document, name)
        if value:
            fields[name] = str(value)
    for name in ("deadline", "created_at", "visible_from"):
        value = naive(getattr(document, name))
        if value is not None:
            fields[name] = value
    return fields
