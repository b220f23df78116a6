"""The index follows the database: after commit, never after rollback, across processes, busy locks and crashes."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import func, select

from config import TestConfig
from goi import create_app
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind
from goi.search import service
from goi.search.models import SearchOutbox
from goi.search.whoosh_backend import WhooshBackend
from tests import database, factories
from tests.search.conftest import found_ids, make_challenge

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pending() -> int:
    count = db.session.scalar(select(func.count()).where(SearchOutbox.indexed_at.is_(None)))
    db.session.rollback()  # see found_ids
    return count


def test_a_change_is_searchable_right_after_commit_and_a_rollback_leaves_nothing(people):
    challenge = make_challenge(people["city"], "Tantangan pertama gajahkanari")
    db.session.commit()
    assert ("challenge", challenge.id) in found_ids(None, "gajahkanari")
    assert _pending() == 0
    challenge.title = "Tantangan berganti rusakanari"
    db.session.commit()
    assert ("challenge", challenge.id) in found_ids(None, "rusakanari")
    assert ("challenge", challenge.id) not in found_ids(None, "gajahkanari")

    make_challenge(people["city"], "Tantangan batal tikuskanari")
    db.session.rollback()
    assert found_ids(None, "tikuskanari") == set()
    assert _pending() == 0
    db.session.delete(db.session.get(type(challenge), challenge.id))
    db.session.commit()
    assert found_ids(None, "rusakanari") == set()
    assert service.check() == []


def test_a_busy_index_never_fails_the_commit_and_the_next_writer_catches_up(app, people):
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.1
    holder = service.backend()._index().writer()  # another process, as far as the lock goes
    try:
        challenge = make_challenge(people["city"], "Saat indeks sibuk kudakanari")
        db.session.commit()  # the writer gives up quietly
        assert _pending() > 0
        assert ("challenge", challenge.id) not in found_ids(None, "kudakanari")
    finally:
        holder.cancel()
    assert service.apply_pending() > 0
    assert ("challenge", challenge.id) in found_ids(None, "kudakanari")
    assert _pending() == 0
    assert service.check() == []


def test_sync_on_commit_can_be_turned_off_and_cli_sync_check_rebuild(app, people):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    challenge_id = make_challenge(people["city"], "Tanpa sinkron rusakanari").id
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["goi", "search", "check"])
    assert result.exit_code == 1
    assert f"missing challenge:{challenge_id}" in result.output
    result = runner.invoke(args=["goi", "search", "sync"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["goi", "search", "check"]).exit_code == 0
    # A document changed behind the index's back is "stale"; rebuild repairs everything.
    WhooshBackend(service.backend().path).remove([f"challenge:{challenge_id}"])
    assert runner.invoke(args=["goi", "search", "check"]).exit_code == 1
    result = runner.invoke(args=["goi", "search", "rebuild"])
    assert result.exit_code == 0 and "indexed" in result.output
    assert runner.invoke(args=["goi", "search", "check"]).exit_code == 0
    assert ("challenge", challenge_id) in found_ids(None, "rusakanari")


def test_rebuild_marks_done_only_the_rows_pending_when_it_read(app, people, monkeypatch):
    """A row committed while the rebuild reads, even with a lower id than a row it saw (ids need not commit in
    order on PostgreSQL), stays pending: its change may not be in what was indexed."""
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    first = make_challenge(people["city"], "Pertama sebelum rebuild").id
    db.session.commit()
    make_challenge(people["city"], "Kedua sebelum rebuild")
    db.session.commit()
    gap = db.session.scalar(select(func.min(SearchOutbox.id)).where(SearchOutbox.object_id == first))
    db.session.execute(SearchOutbox.__table__.delete().where(SearchOutbox.id == gap))
    db.session.commit()
    from goi.search import documents

    read_documents = documents.all_documents

    def documents_while_a_late_row_commits(session):
        # The row a slower transaction, holding the lower id, commits once the rebuild has begun.
        session.execute(SearchOutbox.__table__.insert().values(id=gap, doc_type="challenge", object_id=first))
        session.commit()
        return read_documents(session)

    monkeypatch.setattr(documents, "all_documents", documents_while_a_late_row_commits)
    service.rebuild()
    db.session.expire_all()
    assert db.session.get(SearchOutbox, gap).indexed_at is None
    others = db.session.scalars(select(SearchOutbox).where(SearchOutbox.id != gap)).all()
    assert others and all(row.indexed_at is not None for row in others)


# -- several processes on one database (a SQLite file or the run's PostgreSQL schema) and one index folder


def _file_app(folder: str, database_url: str):
    return create_app(
        TestConfig,
        INSTANCE_PATH=folder,
        UPLOAD_PATH=os.path.join(folder, "uploads"),
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_LOCK_TIMEOUT=0.2,
    )


def _commit_changes(folder: str, database_url: str, worker: int, count: int) -> None:
    app = _file_app(folder, database_url)
    with app.app_context():
        for number in range(count):
            organization = factories.make_org(
                OrgKind.INDUSTRY, name=f"Mitra {worker} {number}", slug=f"m-{worker}-{number}"
            )
            db.session.commit()
            organization.description_html = f"<p>Diubah oleh proses {worker}</p>"
            db.session.commit()
        db.engine.dispose()


@pytest.fixture
def file_app(tmp_path):
    app = _file_app(str(tmp_path), database.shared_url(tmp_path))
    with app.app_context(), database.empty_tables():
        yield app


def test_concurrent_writers_in_several_processes_end_consistent(file_app, tmp_path):
    context = multiprocessing.get_context("spawn")
    database_url = file_app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        context.Process(target=_commit_changes, args=(str(tmp_path), database_url, worker, 6)) for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    service.apply_pending()
    assert service.check() == []
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 24
    db.session.rollback()
    assert len(service.search(None, "Mitra", types=("organization",), per_page=100).hits) == 24


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from whoosh import index
    ix = index.open_dir(sys.argv[1])
    writer = ix.writer()
    writer.delete_by_term("key", sys.argv[2])
    print("holding", flush=True)
    time.sleep(60)
    """
)


def test_a_writer_killed_while_holding_the_lock_leaves_nothing_stuck(file_app, people):
    challenge = make_challenge(people["city"], "Sebelum crash kucingkanari")
    db.session.commit()
    path = str(service.backend().path)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, path, f"challenge:{challenge.id}"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout.readline().strip() == "holding"
        challenge.title = "Saat crash kucingkanari berubah"
        db.session.commit()  # the lock is held: the row stays pending, the commit succeeds
        assert _pending() > 0
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    time.sleep(0.05)
    other = make_challenge(people["city"], "Sesudah crash")
    db.session.commit()  # the next writer takes the released lock and applies both rows
    assert _pending() == 0
    assert service.check() == []
    assert {("challenge", challenge.id), ("challenge", other.id)} <= found_ids(None, "crash")
