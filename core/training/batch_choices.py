"""The register's choices: who may teach a batch the viewer opens, which officers an
applicant may be assigned to, and which borrowers to offer for enrolment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from core.db.sqltext import run
from core.training.batch_reach import Keeper, borrower_reach_sql

# Borrowers offered at once for enrolment; others are added by typing their code.
CANDIDATE_LIMIT = 200


@dataclass(frozen=True)
class Person:
    """A staff member as a choice: code and display name."""

    code: str
    name: str


@dataclass(frozen=True)
class Candidate:
    """A borrower the viewer may enrol: the village's, without a loan first."""

    code: str
    name: str
    village: str
    group_code: str
    has_loan: bool


def trainer_choices(conn: Connection, keeper: Keeper) -> list[Person]:
    """Who may teach a batch the viewer opens: an officer themselves first, then the
    trainers of the viewer's branch (every trainer for an admin), by name."""
    people: list[Person] = []
    if keeper.scope.kind == "officer" and keeper.staff_id is not None:
        [me] = run(
            conn, "SELECT staff_code, name FROM staff WHERE id = :id", {"id": keeper.staff_id}
        )
        people.append(Person(me.staff_code, me.name))
    if keeper.is_admin:
        where, params = "1 = 1", {}
    elif keeper.branch is not None:
        where, params = "branch = :branch", {"branch": keeper.branch}
    else:
        return people
    rows = run(
        conn,
        f"SELECT staff_code, name FROM staff WHERE role = 'trainer' AND {where} "
        "ORDER BY name, staff_code",
        params,
    )
    return people + [Person(r.staff_code, r.name) for r in rows]


def officer_choices(conn: Connection, branch: str) -> list[Person]:
    """The officers of a branch, by name: who may be an applicant's officer."""
    rows = run(
        conn,
        "SELECT staff_code, name FROM staff WHERE role = 'officer' AND branch = :branch "
        "ORDER BY name, staff_code",
        {"branch": branch},
    )
    return [Person(r.staff_code, r.name) for r in rows]


def enrol_candidates(
    conn: Connection, keeper: Keeper, batch_id: int, limit: int = CANDIDATE_LIMIT
) -> list[Candidate]:
    """Borrowers of the batch's village the viewer may enrol and who are not members yet:
    those without a loan first, then by group and name (at most `limit`)."""
    batch = run(
        conn, "SELECT branch, village FROM training_batches WHERE id = :id", {"id": batch_id}
    )
    if not batch:
        return []
    reach, params = borrower_reach_sql(keeper, batch[0].branch)
    rows = run(
        conn,
        f"""SELECT b.borrower_code, b.name, b.village, COALESCE(b.group_code, '') AS grp,
                   CASE WHEN EXISTS (SELECT 1 FROM loans l WHERE l.borrower_id = b.id)
                        THEN 1 ELSE 0 END AS has_loan
            FROM borrowers b JOIN staff s ON s.id = b.officer_id
            WHERE b.village = :village AND {reach}
              AND NOT EXISTS (SELECT 1 FROM training_batch_members m
                              WHERE m.batch_id = :batch AND m.borrower_id = b.id)
            ORDER BY has_loan, grp, b.name, b.borrower_code
            LIMIT :limit""",
        {**params, "village": batch[0].village, "batch": batch_id, "limit": limit},
    )
    return [Candidate(r.borrower_code, r.name, r.village, r.grp, bool(r.has_loan)) for r in rows]
