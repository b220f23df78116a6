"""Challenge tests: a challenge factory and the data of a complete challenge form."""

import itertools
from datetime import UTC, datetime, timedelta

from goi.challenges.models import Challenge, ChallengeStatus, Criterion
from goi.core import clock
from goi.extensions import db

# The tests run with the clock stopped here (see conftest.py), well before the deadlines they type.
NOW = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
_sequence = itertools.count(1)


def make_challenge(owner_org, status: ChallengeStatus = ChallengeStatus.PUBLISHED, **fields) -> Challenge:
    """A challenge in any state, two criteria of 50, open for 30 days from now unless told otherwise."""
    number = next(_sequence)
    now = clock.now()
    values = {
        "slug": f"tantangan-{number}",
        "title": f"Tantangan {number}",
        "summary": f"Ringkasan tantangan {number}",
        "sector": "transportation",
        "province_code": "16",
        "regency_code": "16.71",
        "timezone": "Asia/Jakarta",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "created_at": now,
        "published_at": None if status == ChallengeStatus.DRAFT else now,
        **fields,
    }
    challenge = Challenge(owner_org=owner_org, status=status, **values)
    challenge.criteria = [
        Criterion(position=1, name="Relevansi", description="", weight=50),
        Criterion(position=2, name="Kelayakan", description="", weight=50),
    ]
    db.session.add(challenge)
    db.session.flush()
    return challenge


def criteria_data(rows: list[tuple[str, int]], prefix: str = "criteria") -> dict:
    data = {}
    for index, (name, weight) in enumerate(rows):
        data[f"{prefix}-{index}-name"] = name
        data[f"{prefix}-{index}-description"] = f"Penjelasan {name}"
        data[f"{prefix}-{index}-weight"] = str(weight)
    return data


def challenge_form_data(**overrides) -> dict:
    """A complete, valid challenge form as a browser posts it (Palembang, WIB)."""
    data = {
        "title": "Pengendalian banjir Palembang",
        "summary": "Sistem peringatan dini banjir untuk kawasan sungai Musi.",
        "problem": "Banjir **rutin** di musim hujan.<script>alert(1)</script>",
        "context": "Data curah hujan tersedia.",
        "outcomes": "Peringatan 2 jam sebelum banjir.",
        "sector": "water",
        "dimension": "environment",
        "sdgs": ["6", "11"],
        "province_code": "16",
        "regency_code": "16.71",
        "metro_code": "",
        "budget_kind": "budget",
        "budget_min": "1500000000",
        "budget_max": "2000000000",
        "trl": "5",
        "eligible_kinds": ["industry", "academia"],
        "consortium_required": "y",
        "opens_at": "2026-11-10T08:00",
        "closes_at": "2026-12-31T23:59",
        "review_until": "2027-01-31T17:00",
        "decision_at": "2027-02-15T10:00",
        "score_scale": "10",
        "is_sealed": "y",
        **criteria_data([("Relevansi", 40), ("Kelayakan", 30), ("Dampak", 30)]),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
