"""Page cost against data size: the lists at 100 challenges and at 10,000 challenges / 100,000 proposals, as ratios.

The data is written with bulk inserts (the ORM would take minutes for 100,000 proposals). One organization per
challenge; the bench user manages organization 0, which owns every tenth challenge (so "my challenges" grows with
the data), and leads ten proposals at both sizes (a person's own proposals do not grow with the country's).
"""

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from config import TestConfig
from goi import create_app
from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import GovernmentKind, MemberRole, Membership, Organization, OrgKind
from goi.proposals.models import Proposal, ProposalStatus, ProposalVersion, TeamMember, TeamMemberStatus, TeamRole

# The real day (frozen for the run): a session cookie made at a past frozen moment would already have expired.
NOW = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
PROPOSALS_PER_CHALLENGE = 10
ANONYMOUS_PAGES = (
    "/",
    "/challenges",
    "/challenges?sector=water&sort=newest",
    "/challenges?sort=budget&budget_min=200000000",
    "/challenges?status=open&province=16&kind=academia",
    "/challenges?status=closed&sector=waste",
    "/orgs",
    "/orgs?kind=government&verified=1",
    "/search?q=banjir",  # no index is built (about 400 documents/s): bench.search measures the engine at 100k
    "/metros",
    "/metros/patungraya-agung",  # every challenge is in Kota Palembang (16.71), a member
    "/statistics",
    "/api/v1/challenges",
    "/api/v1/challenges?status=open&province=16&sort=newest&per_page=100",
    "/api/v1/challenges/tantangan-1",
    "/api/v1/organizations?kind=government",
    "/api/v1/metros/patungraya-agung",
    "/api/v1/statistics",
)
USER_PAGES = (
    "/?as=user",  # the home page of the logged-in bench user (the query string only tells the two clients apart)
    "/account/challenges",
    "/account/challenges?status=published",
    "/account/challenges.csv",
    "/account/proposals",
    "/account/alerts",
    "/challenges/tantangan-0/proposals",
)


def _challenge_status(number: int) -> ChallengeStatus:
    """Published while its deadline is ahead, closed after it (else the first request would close thousands)."""
    if number % 10 == 9:
        return ChallengeStatus.DRAFT
    if number % 10 == 7:
        return ChallengeStatus.DECIDED
    return ChallengeStatus.PUBLISHED if number % 60 >= 20 else ChallengeStatus.CLOSED


def _populate(count: int) -> None:
    users = [
        {
            "id": number + 1,
            "email": f"u{number}@example.id",
            "name": f"Pengguna {number}",
            "password_hash": "x",
            "email_confirmed_at": NOW,
        }
        for number in range(count)
    ]
    db.session.execute(insert(User), users)
    organizations = [
        {
            "id": number + 1,
            "slug": f"pemkot-{number}",
            "name": f"Pemerintah Kota {number % 97:02d} {number}",
            "kind": OrgKind.GOVERNMENT if number % 3 else OrgKind.INDUSTRY,
            "government_kind": GovernmentKind.CITY,
            "province_code": "16",
            "regency_code": "16.71",
            "verified_at": NOW if number % 2 == 0 else None,
            "created_at": NOW,
        }
        for number in range(count)
    ]
    organizations[0]["kind"] = OrgKind.GOVERNMENT
    db.session.execute(insert(Organization), organizations)
    db.session.execute(
        insert(Membership), [{"organization_id": 1, "user_id": 1, "role": MemberRole.OWNER, "created_at": NOW}]
    )
    challenges = [
        {
            "id": number + 1,
            "slug": f"tantangan-{number}",
            "owner_org_id": 1 if number % 10 == 0 else number + 1,
            "title": f"Tantangan banjir {number}",
            "summary": "Ringkasan.",
            "sector": "water" if number % 2 else "waste",
            "province_code": "16" if number % 4 else "31",
            "regency_code": "16.71",
            "allow_academia": number % 3 != 0,
            "opens_at": NOW - timedelta(days=40),
            "closes_at": NOW + timedelta(days=(number % 60) - 20, minutes=number % 1000),
            "status": _challenge_status(number),
            "is_sealed": False,
            "published_at": NOW - timedelta(minutes=number),
            "created_at": NOW - timedelta(minutes=number),
            "budget_min": 100_000_000 + (number % 50) * 10_000_000,
            "budget_max": 900_000_000 if number % 5 else None,
        }
        for number in range(count)
    ]
    db.session.execute(insert(Challenge), challenges)
    proposals, members, versions = [], [], []
    for challenge in range(count):
        for number in range(PROPOSALS_PER_CHALLENGE):
            proposal_id = challenge * PROPOSALS_PER_CHALLENGE + number + 1
            lead = (challenge * PROPOSALS_PER_CHALLENGE + number) % count + 1
            submitted = number % 5 != 0
            proposals.append(
                {
                    "id": proposal_id,
                    "challenge_id": challenge + 1,
                    "lead_user_id": lead,
                    "team_key": f"user:{lead}",
                    "title": f"Usulan {proposal_id}",
                    "status": ProposalStatus.SUBMITTED if submitted else ProposalStatus.DRAFT,
                    "version": 1 if submitted else 0,
                    "submitted_at": NOW - timedelta(minutes=proposal_id) if submitted else None,
                    "created_at": NOW - timedelta(minutes=proposal_id),
                    "updated_at": NOW,
                }
            )
            members.append(
                {
                    "proposal_id": proposal_id,
                    "user_id": lead,
                    "email": f"u{lead - 1}@example.id",
                    "role": TeamRole.LEAD,
                    "status": TeamMemberStatus.ACCEPTED,
                    "invited_at": NOW,
                }
            )
            if submitted:
                versions.append(
                    {
                        "proposal_id": proposal_id,
                        "version": 1,
                        "submitted_at": NOW,
                        "content_json": json.dumps({"title": f"Usulan {proposal_id}"}),
                        "content_hash": "0" * 64,
                    }
                )
    for model, rows in ((Proposal, proposals), (TeamMember, members), (ProposalVersion, versions)):
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(model), rows[start : start + 10_000])
    db.session.commit()


def _log_in(client, user: User) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


class Site:
    """An app over its own SQLite database of count challenges, with an anonymous and a logged-in client."""

    def __init__(self, folder: str, count: int):
        self.app = create_app(
            TestConfig,
            INSTANCE_PATH=folder,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            SEARCH_INDEX_PATH=str(Path(folder) / "search"),
            RATELIMIT_ENABLED=False,
            # The next deadline is read again once in this interval; the run is shorter, so every request is alike.
            DEADLINE_REFRESH_SECONDS=3600,
        )
        with self.app.app_context():
            db.create_all()
            start = time.perf_counter()
            _populate(count)
            print(f"  {count:,} challenges built in {time.perf_counter() - start:.0f} s", flush=True)
            self.engine, user = db.engine, db.session.get(User, 1)
        # Requests run outside that app context: inside it they would share its `g` (flask-login keeps the
        # request's user there, so the first anonymous request would stay the user of every later one).
        self.statements: list[int] = []
        event.listen(self.engine, "before_cursor_execute", lambda *args: self.statements.append(1))
        self.anonymous = self.app.test_client()
        self.user = self.app.test_client()
        _log_in(self.user, user)

    def client(self, path: str):
        return self.user if path in USER_PAGES else self.anonymous

    def queries(self, path: str) -> int:
        """Statements of one request of path, after two warm-up requests.

        They fill the caches and templates and take the next-deadline read (goi.challenges.deadlines), which is
        made once per process and interval, not per request, and came on the second request of the large site.
        """
        self.client(path).get(path)
        self.client(path).get(path)
        self.statements.clear()
        response = self.client(path).get(path)
        assert response.status_code == 200, (path, response.status_code, response.headers.get("Location"))
        return len(self.statements)

    def seconds(self, path: str) -> float:
        start = time.perf_counter()
        self.client(path).get(path)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100, help="challenges of the small data set")
    parser.add_argument("--large", type=int, default=10_000, help="challenges of the large one (10 proposals each)")
    parser.add_argument("--rounds", type=int, default=21, help="timed requests per page and size, after a warm-up")
    options = parser.parse_args()
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as small_folder, tempfile.TemporaryDirectory() as large_folder:
        small, large = Site(small_folder, options.small), Site(large_folder, options.large)
        header = f"time {options.large}/{options.small}"
        print(f"{'page':<52} {header:>16} {'ms small':>9} {'ms large':>9} {'queries small':>14} {'queries large':>14}")
        for path in ANONYMOUS_PAGES + USER_PAGES:
            queries = small.queries(path), large.queries(path)
            # The two sizes take turns, so that a burst of load on this shared machine falls on both.
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(options.rounds):
                times[0].append(small.seconds(path))
                times[1].append(large.seconds(path))
            small_time, large_time = (statistics.median(side) for side in times)
            print(
                f"{path:<52} {large_time / small_time:>16.2f} {small_time * 1000:>9.1f} {large_time * 1000:>9.1f}"
                f" {queries[0]:>14} {queries[1]:>14}",
                flush=True,
            )
        small.engine.dispose()
        large.engine.dispose()
    clock.reset()


if __name__ == "__main__":
    main()
