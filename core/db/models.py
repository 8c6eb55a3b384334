"""The database schema as typed SQLAlchemy 2.x models.

Money is held in integer cents (`*_cents` columns, BigInteger) and converted to
`Decimal` yuan at the edges; hours and rates are exact NUMERIC. Codes from the
core-banking export are unique natural keys; foreign keys use surrogate integer ids so
that joins over the portfolio stay narrow. Indexes follow the metrics' access paths:
by officer, by loan and due date, by borrower and date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make Alembic migrations (and SQLite batch mode) deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = String(64)
# The database's check on role columns: the codes of core.auth.roles.ROLES (which core.db
# cannot import: auth builds on db), kept equal by tests/unit/test_roles.py; a migration
# changes the constraint.
STAFF_ROLES = ("officer", "team_leader", "trainer", "admin")
VISIT_PURPOSES = ("appraisal", "collection", "follow_up", "return_visit", "training", "other")
VISIT_OUTCOMES = ("ok", "paid", "promised", "unable", "unwilling", "not_home")
APPRAISAL_GRADES = ("A", "B", "C", "D")
# Where a visit or a time entry came from: an import (replaced when a later import brings
# the same group again) or the app's own forms (never touched by an import).
ROW_SOURCES = ("import", "app")


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Staff(Base):
    """A member of the cooperative's staff (staff.csv)."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(f"role IN {STAFF_ROLES!r}", name="role"),
        Index("ix_staff_branch_team", "branch", "team"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    hired_on: Mapped[dt.date | None] = mapped_column(Date)


class Borrower(Base):
    """A borrower of the cooperative (borrowers.csv), or an applicant the training
    register entered (source "app")."""

    __tablename__ = "borrowers"
    __table_args__ = (CheckConstraint(f"source IN {ROW_SOURCES!r}", name="source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrower_code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(Text)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    village: Mapped[str] = mapped_column(Text)
    group_code: Mapped[str | None] = mapped_column(CODE)
    joined_on: Mapped[dt.date] = mapped_column(Date)
    business_type: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    id_number: Mapped[str | None] = mapped_column(Text)
    # "import", or "app" for an applicant entered in the training register; an applicant
    # until a loan is imported for them (core.training.applicants).
    source: Mapped[str] = mapped_column(String(8), server_default="import")


class TrainingDay(Base):
    """One day of training a borrower attended (training.csv, or ticked in the training
    register: source "app", with its batch); a borrower's day counts once."""

    __tablename__ = "training_days"
    __table_args__ = (
        UniqueConstraint("borrower_id", "attended_on"),
        # The training records' batches start from "who trained in these weeks": a range
        # of dates, which the unique key (borrower first) cannot serve without a full scan.
        Index("ix_training_days_attended_borrower", "attended_on", "borrower_id"),
        CheckConstraint(f"source IN {ROW_SOURCES!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id"))
    attended_on: Mapped[dt.date] = mapped_column(Date)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # "import" (training.csv) or "app" (the register), which an import never replaces.
    source: Mapped[str] = mapped_column(String(8), server_default="import")
    # The register's batch a day was ticked in (None for imported days).
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_batches.id", ondelete="SET NULL"), index=True
    )


class Loan(Base):
    """A loan (loans.csv); `officer_id` is the portfolio owner the figures use."""

    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("principal_cents > 0", name="principal_positive"),
        CheckConstraint(f"appraisal_grade IN {APPRAISAL_GRADES!r}", name="grade"),
        Index("ix_loans_officer_disbursed", "officer_id", "disbursed_on"),
        Index("ix_loans_borrower_disbursed", "borrower_id", "disbursed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_code: Mapped[str] = mapped_column(CODE, unique=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    disbursed_on: Mapped[dt.date] = mapped_column(Date)
    principal_cents: Mapped[int] = mapped_column(BigInteger)
    annual_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 8))
    term_months: Mapped[int | None] = mapped_column(Integer)
    cycle: Mapped[int | None] = mapped_column(Integer)
    appraisal_grade: Mapped[str | None] = mapped_column(String(1))
    product: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    written_off_on: Mapped[dt.date | None] = mapped_column(Date)
    # Derived at import (core/db/derived.py):
    repaid_on: Mapped[dt.date | None] = mapped_column(Date)
    training_days: Mapped[int] = mapped_column(Integer, server_default="0")
    is_first_loan: Mapped[bool] = mapped_column(Boolean, server_default=false())


class Installment(Base):
    """One scheduled monthly installment (installments.csv).

    `principal_before_cents` is derived at import: the principal due on the loan's
    installments ordered before this one by (due_date, seq). The first-due-first-paid
    allocation of the metrics needs exactly this running sum, so storing it keeps the
    coverage of an installment a single expression instead of a window over the loan.
    """

    __tablename__ = "installments"
    __table_args__ = (
        UniqueConstraint("loan_id", "seq"),
        CheckConstraint("principal_due_cents >= 0", name="principal_due_not_negative"),
        Index("ix_installments_loan_due", "loan_id", "due_date"),
        Index("ix_installments_due_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    principal_due_cents: Mapped[int] = mapped_column(BigInteger)
    interest_due_cents: Mapped[int | None] = mapped_column(BigInteger)
    principal_before_cents: Mapped[int] = mapped_column(BigInteger)
    # Derived at import (core/db/derived.py): the date this installment was fully covered.
    covered_on: Mapped[dt.date | None] = mapped_column(Date)


class Repayment(Base):
    """A repayment received on a loan (repayments.csv)."""

    __tablename__ = "repayments"
    __table_args__ = (
        CheckConstraint("principal_paid_cents >= 0", name="principal_paid_not_negative"),
        Index("ix_repayments_loan_paid", "loan_id", "paid_on", "paid_cum_cents"),
        Index("ix_repayments_loan_cum", "loan_id", "paid_cum_cents", "paid_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    principal_paid_cents: Mapped[int] = mapped_column(BigInteger)
    interest_paid_cents: Mapped[int | None] = mapped_column(BigInteger)
    receipt_no: Mapped[str | None] = mapped_column(CODE, unique=True)
    # Derived at import (core/db/derived.py): principal repaid up to this repayment.
    paid_cum_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")


class Visit(Base):
    """A visit an officer paid a borrower (visits.csv, or the visit form).

    Visits are events, not keyed records: an officer may visit a borrower twice on one
    day for the same purpose, and each visit counts. An import matches its rows to the
    stored imported ones per (officer, borrower, day) (docs/import-format.md).
    """

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(f"purpose IN {VISIT_PURPOSES!r}", name="purpose"),
        CheckConstraint(f"outcome IN {VISIT_OUTCOMES!r}", name="outcome"),
        CheckConstraint(f"source IN {ROW_SOURCES!r}", name="source"),
        Index("ix_visits_borrower_visited", "borrower_id", "visited_on"),
        # The import's group, and the metrics' "visited by this officer" lookups.
        Index("ix_visits_officer_borrower_visited", "officer_id", "borrower_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    # Recorded by the visit form only (visits.csv has none of these): news of the harvest
    # or business, why a leaving borrower leaves (a code of config/exit_reasons.yaml), and
    # when the officer means to come back.
    news: Mapped[str | None] = mapped_column(Text)
    exit_reason: Mapped[str | None] = mapped_column(String(32))
    next_visit_on: Mapped[dt.date | None] = mapped_column(Date)
    # "import" or "app" (ROW_SOURCES). Rows written without saying (scripts, old data)
    # are import data: only the app's forms write "app".
    source: Mapped[str] = mapped_column(String(8), server_default="import")


class TimeEntry(Base):
    """Hours a staff member spent on one activity on one day (time_log.csv, or the time
    sheet). Several entries of one activity on one day may exist (morning and afternoon,
    or an imported one and the officer's own); a person's day sums to at most 24 hours."""

    __tablename__ = "time_log"
    __table_args__ = (
        CheckConstraint("hours_hundredths > 0 AND hours_hundredths <= 2400", name="hours_range"),
        CheckConstraint(f"source IN {ROW_SOURCES!r}", name="source"),
        # The import's group (an officer's day) and the time screens' date ranges.
        Index("ix_time_log_officer_date", "officer_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    work_date: Mapped[dt.date] = mapped_column(Date)
    activity: Mapped[str] = mapped_column(String(32))
    # Hundredths of an hour: exact sums for the 24-hour day and the time shares.
    hours_hundredths: Mapped[int] = mapped_column(Integer)
    # "import" or "app", as on visits.
    source: Mapped[str] = mapped_column(String(8), server_default="import")


class ImportRun(Base):
    """One import (command line or browser): what was read and what came of it."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text)
    files: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)


class DataVersion(Base):
    """A single counter bumped by every write, so caches in any process can tell."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


USER_ROLES = STAFF_ROLES
LANGUAGES = ("zh", "en")


class User(Base):
    """A person who logs in to the app; officers and team leaders link a staff member.

    The username is stored lowercased, so uniqueness is case-insensitive on both backends
    without a functional index. Only the argon2id hash of the password is kept.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {USER_ROLES!r}", name="role"),
        CheckConstraint(f"language IN {LANGUAGES!r}", name="language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(CODE, unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    password_hash: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), server_default="zh")
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # The account lockout's columns: nothing sets them since the login throttle
    # (core.auth.throttle, table login_attempts) replaced it; kept to need no migration.
    failed_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """A login: the server-side state behind the session cookie.

    Only the SHA-256 of the cookie's random token is stored, so a copy of the database
    cannot be used to take over a session.
    """

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One write: who did it, when, to what, and the record before and after (JSON)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(Text, index=True)
    action: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    entity_key: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
