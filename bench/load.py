"""Load benchmark: pages under gunicorn and wrk, as ratios to a hello-world Flask app served the same way.

Builds (or reuses, --skip-build) an SQLite database of the demo data plus 10,000 challenges and 100,000 proposals
and its search index, serves it with `gunicorn -w 2` under the production profile (a private redis-server as the
page cache's store, as production uses Redis), serves bench/hello.py the same way, and runs
`wrk -t2 -c16 -d<N>s --latency` on each page: anonymous pages with the page cache on and off, logged-in pages,
then the anonymous pages again while a writer process publishes and edits challenges five times a second and
pollers time how long each change takes to reach an anonymous reader.
"""

import argparse
import http.client
import multiprocessing
import os
import queue
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET_KEY = "load-benchmark-secret-key-0123456789abcdef"  # a throwaway database
APP_PORT, HELLO_PORT, REDIS_PORT = 8611, 8612, 8613
DEMO_LOGIN = "dina@palembang.demo.goi.id"
DEMO_PASSWORD = "goi-demo-2026"  # the public demo password (goi/demo.py)
CHALLENGES, PROPOSALS, ORGANIZATIONS, SOLVERS = 10_000, 100_000, 500, 5_000
WORDS = (
    *("banjir", "sampah", "drainase", "air", "bersih", "sungai", "pengolahan", "limbah", "macet", "transportasi"),
    *("sekolah", "puskesmas", "pasar", "UMKM", "PJU", "IoT", "sensor", "TPA", "PDAM", "irigasi", "nelayan"),
    *("pangan", "energi", "surya", "rumah", "susun", "kebakaran", "stunting", "digital"),
)
PLACES = ("Palembang", "Denpasar", "Banjarmasin", "Makassar", "Surabaya", "Medan", "Pontianak", "Kupang")
REGENCIES = ("16.71", "51.71", "63.71", "73.71")
SECTORS = ("water", "waste", "transportation", "health", "education", "environment", "energy", "food")

# Targets: the lowest share of hello's requests per second.
TARGET_CACHED, TARGET_UNCACHED, TARGET_LOGGED_IN = 0.25, 0.05, 0.10
TARGET_VISIBLE_MS = 1000.0


def app_environment(folder: Path, page_cache: bool = True) -> dict[str, str]:
    """The production profile's settings for a database in folder."""
    env = dict(os.environ)
    env.update(
        GOI_CONFIG="production",
        GOI_SECRET_KEY=SECRET_KEY,
        GOI_DATABASE_URL=f"sqlite:///{folder / 'goi.sqlite3'}",
        GOI_INSTANCE_PATH=str(folder / "instance"),
        GOI_CACHE_REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        GOI_PAGE_CACHE="1" if page_cache else "0",
        GOI_BASE_URL=f"http://127.0.0.1:{APP_PORT}",
    )
    return env


# ---------------------------------------------------------------------------------------------------- the database


def build(folder: Path) -> None:
    """A fresh database: migrations, demo data, generated rows (bulk inserts), the search index."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.environ.update(app_environment(folder))
    from flask_migrate import upgrade

    from goi import create_app
    from goi.demo import load_demo_data
    from goi.extensions import db
    from goi.search.service import rebuild

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_demo_data()
        db.session.commit()
        print(f"  migrations and demo data: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        _insert_generated_rows(db)
        print(
            f"  {CHALLENGES:,} challenges, {PROPOSALS:,} proposals: {time.perf_counter() - started:.1f} s", flush=True
        )
        started = time.perf_counter()
        indexed = rebuild()
        print(f"  search index rebuild ({indexed:,} documents): {time.perf_counter() - started:.1f} s", flush=True)


def _insert_generated_rows(db) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, insert, select

    from goi.accounts.models import User
    from goi.challenges.models import Challenge, ChallengeStatus, Criterion
    from goi.orgs.models import GovernmentKind, Organization, OrgKind
    from goi.proposals.models import Proposal, ProposalStatus

    rng = random.Random(8)
    now = datetime.now(UTC)
    password_hash = db.session.scalar(select(User.password_hash).where(User.email == DEMO_LOGIN))

    def max_id(model) -> int:
        return db.session.scalar(select(func.max(model.id))) or 0

    first_org = max_id(Organization) + 1
    db.session.execute(
        insert(Organization),
        [
            {
                "slug": f"pemda-beban-{number}",
                "name": f"Pemerintah Daerah Beban {number}",
                "kind": OrgKind.GOVERNMENT,
                "government_kind": GovernmentKind.CITY,
                "description_source": "Pemerintah daerah.",
                "description_html": "<p>Pemerintah daerah.</p>",
                "province_code": REGENCIES[number % 4][:2],
                "regency_code": REGENCIES[number % 4],
                "verified_at": now,
            }
            for number in range(ORGANIZATIONS)
        ],
    )
    first_user = max_id(User) + 1
    db.session.execute(
        insert(User),
        [
            {
                "email": f"solver{number}@beban.example.id",
                "name": f"Solver Beban {number}",
                "password_hash": password_hash,
                "email_confirmed_at": now,
            }
            for number in range(SOLVERS)
        ],
    )
    first_challenge = max_id(Challenge) + 1
    challenge_rows, criterion_rows = [], []
    for number in range(CHALLENGES):
        words = rng.sample(WORDS, 3)
        place = PLACES[number % len(PLACES)]
        published = number % 10 != 0
        opens_at = now - timedelta(days=rng.randint(1, 60))
        closes_at = now + timedelta(days=rng.randint(2, 180), minutes=number)
        regency = REGENCIES[number % 4]
        text = f"Kami mencari solusi {' '.join(words)} untuk warga {place}. " * 4
        challenge_rows.append(
            {
                "slug": f"beban-{number}",
                "owner_org_id": first_org + number % ORGANIZATIONS,
                "title": f"Tantangan {words[0]} {words[1]} {place} {number}",
                "summary": f"Ringkasan tantangan {words[0]} dan {words[2]} di {place}.",
                "problem_source": text,
                "problem_html": f"<p>{text}</p>",
                "sector": SECTORS[number % len(SECTORS)],
                "province_code": regency[:2],
                "regency_code": regency,
                "budget_min": 100_000_000,
                "budget_max": 900_000_000,
                "trl": 5,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "review_until": closes_at + timedelta(days=21),
                "decision_at": closes_at + timedelta(days=30),
                "status": ChallengeStatus.PUBLISHED if published else ChallengeStatus.DRAFT,
                "published_at": opens_at if published else None,
                "created_at": opens_at,
            }
        )
        challenge_id = first_challenge + number
        criterion_rows += [
            {"challenge_id": challenge_id, "position": 1, "name": "Dampak", "weight": 60},
            {"challenge_id": challenge_id, "position": 2, "name": "Biaya", "weight": 40},
        ]
    db.session.execute(insert(Challenge), challenge_rows)
    db.session.execute(insert(Criterion), criterion_rows)
    published_ids = [first_challenge + number for number in range(CHALLENGES) if number % 10 != 0]
    proposal_rows = []
    for number in range(PROPOSALS):
        challenge_id = published_ids[number % len(published_ids)]
        # Consecutive proposals of one challenge are led by different solvers (one active proposal per team).
        lead = first_user + (number // len(published_ids) + challenge_id * 7) % SOLVERS
        proposal_rows.append(
            {
                "challenge_id": challenge_id,
                "lead_user_id": lead,
                "team_key": f"user:{lead}",
                "title": f"Usulan {rng.choice(WORDS)} {number}",
                "summary": "Ringkasan usulan.",
                "approach_source": "Pendekatan bertahap.",
                "approach_html": "<p>Pendekatan bertahap.</p>",
                "status": ProposalStatus.SUBMITTED,
                "version": 1,
                "submitted_at": now,
            }
        )
        if len(proposal_rows) == 20_000:
            db.session.execute(insert(Proposal), proposal_rows)
            proposal_rows = []
    if proposal_rows:
        db.session.execute(insert(Proposal), proposal_rows)
    db.session.commit()


# ------------------------------------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_redis(folder: Path) -> Server:
    log = folder / "redis.log"
    process = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(0.5)
    return Server("redis", process, log)


def start_gunicorn(name: str, module: str, port: int, env: dict[str, str], folder: Path, probe: str) -> Server:
    log = folder / f"gunicorn-{name}.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", module],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited; see {log}")
        try:
            status, _, _ = fetch(port, probe)
            if status == 200:
                return Server(name, process, log)
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn {name} did not answer {probe} within 60 s; see {log}")


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET", body: str | None = None):
    """(status, headers, body text) of one plain-http request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def session_cookie(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def log_in(port: int, email: str, password: str) -> str:
    """The session cookie of a demo user, logged in over plain http as if behind an https proxy."""
    # Flask-WTF checks the referrer of a secure request against the host.
    proxy = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{port}/login"}
    status, headers, text = fetch(port, "/login", proxy)
    cookie = session_cookie(headers)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', text
    )
    if status != 200 or cookie is None or token is None:
        raise RuntimeError(f"login page: status {status}, cookie {cookie is not None}, token {token is not None}")
    form = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    status, headers, _ = fetch(
        port,
        "/login",
        {**proxy, "Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
        "POST",
        form,
    )
    cookie = session_cookie(headers) or cookie
    if status not in (302, 303):
        raise RuntimeError(f"login as {email} answered {status}")
    return cookie


# ---------------------------------------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int
    requests: int


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(port: int, path: str, seconds: int, headers: dict | None = None) -> WrkResult:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(number) for number in sockets.groups()) if sockets else 0,
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
    )


# ------------------------------------------------------------------------------------------------------- writer


def writer_process(folder: str, rate: float, stop, changes) -> None:
    """Publish a new challenge and publish an addendum to it, in turn, `rate` times a second; tell each change."""
    os.environ.update(app_environment(Path(folder)))
    from datetime import timedelta

    from sqlalchemy import select

    from goi import create_app
    from goi.accounts.models import User
    from goi.challenges import addenda, lifecycle, services
    from goi.core import clock
    from goi.extensions import db
    from goi.orgs.models import Organization

    app = create_app()
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == DEMO_LOGIN))
        organization = db.session.scalar(select(Organization).where(Organization.slug == "pemkot-palembang"))
        number, latest = 0, None
        next_at = time.monotonic()
        while not stop.is_set():
            marker = f"lw{os.getpid()}x{number}"
            started = time.perf_counter()
            try:
                if latest is None or number % 2 == 0:
                    now = clock.now()
                    challenge = services.create_challenge(
                        owner,
                        organization,
                        {
                            "title": f"Tantangan beban tulis {marker}",
                            "summary": "Ringkasan tantangan dari penulis beban.",
                            "problem": "Masalah awal.",
                            "sector": "water",
                            "province_code": "16",
                            "regency_code": "16.71",
                            "budget_min": 100_000_000,
                            "budget_max": 200_000_000,
                            "eligible_kinds": ["industry", "academia"],
                            "opens_at": now - timedelta(hours=1),
                            "closes_at": now + timedelta(days=400),
                            "review_until": now + timedelta(days=420),
                            "decision_at": now + timedelta(days=430),
                        },
                    )
                    lifecycle.publish(owner, challenge)
                    db.session.commit()
                    latest = challenge
                    url = "/challenges?" + urlencode({"sort": "newest"})
                    kind = "publish"
                else:
                    addenda.publish_addendum(
                        owner, latest, f"Perubahan {marker}", {"problem": f"Masalah diperbarui {marker}."}
                    )
                    db.session.commit()
                    url = f"/challenges/{latest.slug}"
                    kind = "edit"
                changes.put((kind, url, marker, time.time(), time.perf_counter() - started))
            except Exception as error:  # the benchmark counts failures instead of stopping
                db.session.rollback()
                changes.put(("error", "", repr(error)[:200], time.time(), time.perf_counter() - started))
            number += 1
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.monotonic()))


@dataclass
class Freshness:
    delays_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    unseen: int = 0
    errors: list[str] = field(default_factory=list)


def poll_until_visible(port: int, url: str, marker: str, committed_at: float, result: Freshness, lock) -> None:
    """Poll as an anonymous reader every 20 ms until the page shows marker (10 s at most)."""
    while time.time() - committed_at < 10:
        try:
            status, _, text = fetch(port, url)
        except OSError:
            status, text = 0, ""
        if status == 200 and marker in text:
            with lock:
                result.delays_ms.append((time.time() - committed_at) * 1000)
            return
        time.sleep(0.02)
    with lock:
        result.unseen += 1


def collect_changes(port: int, changes, stop: threading.Event, result: Freshness) -> list[threading.Thread]:
    lock, pollers = threading.Lock(), []
    while not stop.is_set() or not changes.empty():
        try:
            kind, url, marker, committed_at, write_seconds = changes.get(timeout=0.2)
        except queue.Empty:
            continue
        result.kinds[kind] = result.kinds.get(kind, 0) + 1
        result.write_ms.append(write_seconds * 1000)
        if kind == "error":
            result.errors.append(marker)
            continue
        poller = threading.Thread(
            target=poll_until_visible, args=(port, url, marker, committed_at, result, lock), daemon=True
        )
        poller.start()
        pollers.append(poller)
    return pollers


# -------------------------------------------------------------------------------------------------------- pages


def anonymous_pages(port: int) -> dict[str, str]:
    """Page name → path, the challenge and organization taken from the generated rows."""
    return {
        "home": "/",
        "list": "/challenges",
        "list sector=water p3": "/challenges?sector=water&sort=deadline&page=3",
        "challenge": "/challenges/beban-4321",
        "organization": "/orgs/pemkot-palembang",
        "search banjir": "/search?q=banjir",
        "API search sampah": "/api/v1/search?q=sampah",
    }


LOGGED_IN_PAGES = {
    "dashboard (/account/challenges)": "/account/challenges",
    "notifications": "/notifications",
    "challenge (logged in)": "/challenges/beban-4321",
}


def check_page(port: int, path: str, headers: dict | None = None) -> None:
    status, _, _ = fetch(port, path, headers)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} before the run (expected 200)")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def row(label: str, result: WrkResult, hello: WrkResult, target: float | None) -> str:
    ratio = result.requests_per_second / hello.requests_per_second
    verdict = ""
    if target is not None:
        clean = result.non_2xx_3xx == 0 and result.socket_errors == 0
        verdict = f"≥ {target:.0%} {'met' if ratio >= target and clean else 'MISSED'}"
    return (
        f"| {label} | {result.requests_per_second:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} "
        f"| {result.non_2xx_3xx} | {result.socket_errors} | {ratio:.1%} | {verdict} |"
    )


HEADER = (
    "| page | req/s | p50 ms | p99 ms | non-2xx/3xx | socket errors | of hello | target |\n"
    "|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/goi-load"), help="database and logs (rebuilt)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database in --folder")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--only", action="append", help="only these pages (by name; repeatable)")
    parser.add_argument("--writer-rate", type=float, default=5.0, help="changes per second in the writer run")
    parser.add_argument("--skip-writer", action="store_true")
    options = parser.parse_args()
    folder = options.folder.resolve()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (make bench-load installs wrk)")

    print(f"load benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; uptime: {_uptime()}", flush=True)
    if not options.skip_build:
        print(f"building {folder} …", flush=True)
        started = time.perf_counter()
        # A process of its own: the settings are read from the environment when config is first imported.
        subprocess.run(
            [sys.executable, "-m", "bench.load", "--folder", str(folder), "--build-only"], cwd=ROOT, check=True
        )
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)

    pages = anonymous_pages(APP_PORT)
    logged_in_pages = dict(LOGGED_IN_PAGES)
    if options.only:
        pages = {name: path for name, path in pages.items() if name in options.only}
        logged_in_pages = {name: path for name, path in logged_in_pages.items() if name in options.only}
    redis = start_redis(folder)
    servers = [redis]
    lines = []
    try:
        hello_server = start_gunicorn("hello", "bench.hello:app", HELLO_PORT, app_environment(folder), folder, "/")
        servers.append(hello_server)
        hello = run_wrk(HELLO_PORT, "/", options.duration)
        hello_server.stop()
        servers.remove(hello_server)
        lines.append(
            f"| hello (bench/hello.py) | {hello.requests_per_second:,.0f} | {hello.p50_ms:.1f} "
            f"| {hello.p99_ms:.1f} | {hello.non_2xx_3xx} | {hello.socket_errors} | 100% | |"
        )
        print(lines[-1], flush=True)

        for page_cache in (True, False):
            subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "flushall"], capture_output=True, check=False)
            env = app_environment(folder, page_cache)
            app_server = start_gunicorn(f"app-cache-{page_cache}", "wsgi:app", APP_PORT, env, folder, "/")
            servers.append(app_server)
            label = "cache on" if page_cache else "cache off"
            target = TARGET_CACHED if page_cache else TARGET_UNCACHED
            for name, path in pages.items():
                check_page(APP_PORT, path)
                lines.append(row(f"{name} ({label})", run_wrk(APP_PORT, path, options.duration), hello, target))
                print(lines[-1], flush=True)
            if page_cache and logged_in_pages:
                cookie = log_in(APP_PORT, DEMO_LOGIN, DEMO_PASSWORD)
                headers = {"Cookie": f"session={cookie}", "X-Forwarded-Proto": "https"}
                for name, path in logged_in_pages.items():
                    check_page(APP_PORT, path, headers)
                    result = run_wrk(APP_PORT, path, options.duration, headers)
                    lines.append(row(f"{name}, {DEMO_LOGIN}", result, hello, TARGET_LOGGED_IN))
                    print(lines[-1], flush=True)
                    check_page(APP_PORT, path, headers)  # still logged in after the run
            if page_cache and not options.skip_writer:
                lines += writer_run(folder, pages, hello, options)
            app_server.stop()
            servers.remove(app_server)
    finally:
        for server in reversed(servers):
            server.stop()
    print("\n" + HEADER)
    print("\n".join(lines))
    print(f"\nuptime after: {_uptime()}")


def writer_run(folder: Path, pages: dict[str, str], hello: WrkResult, options) -> list[str]:
    """The cached anonymous pages under wrk while a writer changes challenges; then the changes' visibility."""
    context = multiprocessing.get_context("spawn")
    stop_writer, changes = context.Event(), context.Queue()
    writer = context.Process(target=writer_process, args=(str(folder), options.writer_rate, stop_writer, changes))
    writer.start()
    stop_collecting, freshness = threading.Event(), Freshness()
    pollers: list[threading.Thread] = []
    collector = threading.Thread(
        target=lambda: pollers.extend(collect_changes(APP_PORT, changes, stop_collecting, freshness)), daemon=True
    )
    collector.start()
    lines = []
    started = time.perf_counter()
    try:
        for name, path in pages.items():
            lines.append(
                row(f"{name} (cache on, writer)", run_wrk(APP_PORT, path, options.duration), hello, TARGET_CACHED)
            )
            print(lines[-1], flush=True)
    finally:
        stop_writer.set()
        writer.join(timeout=30)
        elapsed = time.perf_counter() - started
        stop_collecting.set()
        collector.join(timeout=30)
        for poller in pollers:
            poller.join(timeout=15)
    seen = freshness.delays_ms
    count = sum(count for kind, count in freshness.kinds.items() if kind != "error")
    summary = (
        f"writer: {count} changes in {elapsed:.0f} s ({count / elapsed:.1f}/s; {freshness.kinds}), "
        f"write p50 {percentile(freshness.write_ms, 0.5):.0f} ms, "
        f"errors {len(freshness.errors)}{' ' + freshness.errors[0] if freshness.errors else ''}"
    )
    lines.append(f"\n{summary}")
    if seen:
        within = sum(delay <= TARGET_VISIBLE_MS for delay in seen)
        verdict = "met" if within == len(seen) and not freshness.unseen else "MISSED"
        lines.append(
            f"visible to an anonymous reader: p50 {percentile(seen, 0.5):.0f} ms, p95 {percentile(seen, 0.95):.0f} ms, "
            f"max {max(seen):.0f} ms; {within}/{len(seen) + freshness.unseen} within 1 s, {freshness.unseen} unseen "
            f"after 10 s (target: all within {TARGET_VISIBLE_MS:.0f} ms: {verdict})\n"
        )
    print("\n".join(lines[-2:]), flush=True)
    return lines


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    if "--build-only" in sys.argv:
        build(Path(sys.argv[sys.argv.index("--folder") + 1]).resolve())
    else:
        main()
