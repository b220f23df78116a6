"""Page cost against data size: /challenges and /orgs with small and large data sets, as ratios."""

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from config import TestConfig
from goi import create_app
from goi.challenges.models import Challenge, ChallengeStatus, Criterion
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import GovernmentKind, Organization, OrgKind

NOW = datetime(2026, 11, 29, tzinfo=UTC)
ROUNDS = 15
PAGES = ("/challenges", "/orgs", "/challenges?sector=water&sort=newest")


def _populate(count: int) -> None:
    for number in range(count):
        organization = Organization(
            slug=f"pemkot-{number}",
            name=f"Pemerintah Kota {number}",
            kind=OrgKind.GOVERNMENT,
            government_kind=GovernmentKind.CITY,
            province_code="16",
            regency_code="16.71",
            verified_at=NOW,
        )
        db.session.add(organization)
        challenge = Challenge(
            slug=f"tantangan-{number}",
            owner_org=organization,
            title=f"Tantangan banjir {number}",
            summary="Ringkasan.",
            sector="water" if number % 2 else "waste",
            province_code="16",
            regency_code="16.71",
            opens_at=NOW - timedelta(days=1),
            closes_at=NOW + timedelta(days=1 + number % 30),
            status=ChallengeStatus.PUBLISHED,
            published_at=NOW,
            budget_min=100_000_000,
            budget_max=900_000_000,
        )
        challenge.criteria = [
            Criterion(position=1, name="Dampak", weight=60),
            Criterion(position=2, name="Biaya", weight=40),
        ]
        db.session.add(challenge)
    db.session.commit()


def _measure(count: int) -> dict[str, tuple[float, int]]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            TestConfig,
            INSTANCE_PATH=folder,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            RATELIMIT_ENABLED=False,
        )
        results = {}
        with app.app_context():
            db.create_all()
            _populate(count)
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
            client = app.test_client()
            for path in PAGES:
                client.get(path)  # warm caches and templates
                statements.clear()
                assert client.get(path).status_code == 200
                queries = len(statements)
                times = []
                for _ in range(ROUNDS):
                    start = time.perf_counter()
                    client.get(path)
                    times.append(time.perf_counter() - start)
                results[path] = (statistics.median(times), queries)
            db.engine.dispose()
        return results


def main() -> None:
    clock.freeze(NOW)
    small, large = _measure(10), _measure(400)
    print(f"{'page':<45} {'time 400/10':>12} {'queries 10':>11} {'queries 400':>12}")
    for path in PAGES:
        ratio = large[path][0] / small[path][0]
        print(f"{path:<45} {ratio:>12.2f} {small[path][1]:>11} {large[path][1]:>12}")
    clock.reset()


if __name__ == "__main__":
    main()
