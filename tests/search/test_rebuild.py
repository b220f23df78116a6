"""A rebuild reads the database a chunk at a time: as many statements for many proposals as for a few."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from goi.extensions import db
from goi.proposals.models import ProposalStatus, TeamMember, TeamMemberStatus, TeamRole
from goi.search import documents
from tests import factories
from tests.search.conftest import make_challenge, make_proposal


def _add_proposals(people, prefix: str, count: int) -> None:
    challenge = make_challenge(people["city"], "Tantangan untuk banyak usulan")
    for number in range(count):
        lead = factories.make_user(name=f"Ketua {prefix}{number}")
        organization = factories.make_org(owner=lead, name=f"Startup {prefix}{number}")
        proposal = make_proposal(
            challenge, lead, f"Usulan {prefix}{number}", ProposalStatus.SUBMITTED, organization_id=organization.id
        )
        partner = factories.make_user(name=f"Mitra {prefix}{number}")
        db.session.add(
            TeamMember(
                proposal_id=proposal.id,
                user_id=partner.id,
                email=partner.email,
                role=TeamRole.PARTNER,
                status=TeamMemberStatus.ACCEPTED,
            )
        )
    db.session.commit()


def _proposal_documents() -> tuple[list, int]:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "proposal" in statement or "team_members" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with Session(bind=db.engine) as session:
            built = [document for document in documents.all_documents(session) if document.type == "proposal"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return built, len(statements)


def test_proposal_documents_take_as_many_statements_for_twelve_as_for_two(app, people, monkeypatch):
    monkeypatch.setattr(documents, "REBUILD_CHUNK", 50)
    _add_proposals(people, "a", 2)
    few, few_statements = _proposal_documents()
    _add_proposals(people, "b", 10)
    many, many_statements = _proposal_documents()
    assert (len(few), len(many)) == (2, 12)
    assert many_statements == few_statements
    # What was loaded for the chunk is what a document built on its own holds (team, owners, team name).
    with Session(bind=db.engine) as session:
        alone = [documents.build(session, "proposal", document.object_id) for document in many]
    assert many == alone
    assert all(len(document.principals) == 2 and document.delayed_principals for document in many)
    expected_owners = {f"Startup a{number}" for number in range(2)} | {f"Startup b{number}" for number in range(10)}
    assert {document.owner for document in many} == expected_owners


def test_chunks_smaller_than_the_rows_still_build_every_document_once(app, people, monkeypatch):
    monkeypatch.setattr(documents, "REBUILD_CHUNK", 3)
    _add_proposals(people, "c", 7)
    built, _statements = _proposal_documents()
    assert sorted(document.object_id for document in built) == sorted({document.object_id for document in built})
    assert len(built) == 7
