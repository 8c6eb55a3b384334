"""`python -m core remind`: each person's digest of the day, sent once per channel.

Idempotent per person, day and channel: a delivery is claimed in the database ("sending")
before it is sent and marked "sent" after, so running the command twice (or two servers
at once) sends nothing twice. A failure is tried again within the run with back-off
(TRIES, doubling BACKOFF_SECONDS), then left "failed" for the next run to retry, up to
MAX_ATTEMPTS tries in all; each outcome goes to the audit trail, and the admin's home
and digest count the failures. One failing address never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from core.auth.scope import scope_for
from core.db import audit
from core.db.engine import write_transaction
from core.db.models import Staff, User
from core.notify.channels import DeliveryError, post_webhook, send_email
from core.notify.config import NotifySettings
from core.notify.contacts import Contact, load_contact
from core.notify.content import (
    Digest,
    Section,
    admin_sections,
    day_text,
    leader_sections,
    officer_sections,
    trainer_sections,
    words,
)
from core.notify.models import DigestDelivery, UserContact
from core.rules.schema import RuleSet

_LOG = logging.getLogger(__name__)
TRIES = 3
BACKOFF_SECONDS = 1.0
MAX_ATTEMPTS = 9
# A delivery left "sending" this long (a run that died mid-send) may be claimed again.
STALE_MINUTES = 30


@dataclass(frozen=True)
class Person:
    """An account that gets a digest, with where it goes."""

    user_id: int
    username: str
    display_name: str
    role: str
    staff_code: str | None
    language: str
    contact: Contact


@dataclass(frozen=True)
class Outcome:
    """What became of one person's digest on one channel: "sent", "failed", "already"
    (sent before, or being sent by another run), "given_up" (no tries left) or "dry_run"."""

    username: str
    channel: str
    state: str
    error: str | None = None


def digest_people(conn: Connection) -> list[Person]:
    """Active accounts whose digest is on and has an address, by username."""
    rows = conn.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            User.role,
            Staff.staff_code,
            User.language,
            UserContact.email,
            UserContact.webhook_url,
        )
        .join(UserContact, UserContact.user_id == User.id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(User.active, UserContact.digest)
        .order_by(User.username)
    ).all()
    return [
        Person(r.id, r.username, r.display_name, r.role, r.staff_code, r.language,
               Contact(r.email, r.webhook_url, True))
        for r in rows
        if r.email or r.webhook_url
    ]  # fmt: skip


def build_digest(
    conn: Connection,
    person: Person,
    day: dt.date,
    rules: RuleSet,
    due_days: int,
    base_url: str,
) -> Digest:
    """The person's digest of `day` in their language (see core.notify.content)."""
    w = words(person.language)
    scope = scope_for(conn, person)
    sections: tuple[Section, ...] = ()
    if person.role == "officer" and scope.staff_code:
        sections = officer_sections(conn, scope.staff_code, day, rules, w)
    elif person.role == "team_leader":
        sections = leader_sections(conn, scope, day, rules, due_days, person.language, w)
    elif person.role == "trainer":
        sections = trainer_sections(conn, scope, day, rules.params.min_training_days, w)
    elif person.role == "admin":
        sections = admin_sections(conn, day, person.language, w)
    title = w["title"].format(day=day_text(day, person.language), name=person.display_name)
    return Digest(title, sections, f"{base_url}/", w["footer"])


def deliver(settings: NotifySettings, channel: str, address: str, digest: Digest) -> None:
    """Sends a digest on one channel; DeliveryError when it could not."""
    if channel == "email":
        send_email(settings, address, digest.title, digest.text())
    else:
        post_webhook(settings, address, digest.title, digest.markdown())


def _claim(engine: Engine, user_id: int, day: dt.date, channel: str, now: dt.datetime) -> str:
    """Takes the delivery for this run: "claimed", or why not ("already", "given_up")."""
    try:
        with write_transaction(engine) as conn:
            row = conn.execute(
                select(
                    DigestDelivery.id,
                    DigestDelivery.state,
                    DigestDelivery.attempts,
                    DigestDelivery.updated_at,
                ).where(
                    DigestDelivery.user_id == user_id,
                    DigestDelivery.day == day,
                    DigestDelivery.channel == channel,
                )
            ).first()
            if row is None:
                conn.execute(
                    insert(DigestDelivery).values(
                        user_id=user_id, day=day, channel=channel, state="sending",
                        attempts=0, updated_at=now,
                    )
                )  # fmt: skip
                return "claimed"
            updated = (
                row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
            )
            if row.state == "sent":
                return "already"
            if row.state == "sending" and now - updated < dt.timedelta(minutes=STALE_MINUTES):
                return "already"
            if row.attempts >= MAX_ATTEMPTS:
                return "given_up"
            conn.execute(
                update(DigestDelivery)
                .where(DigestDelivery.id == row.id)
                .values(state="sending", updated_at=now)
            )
            return "claimed"
    except IntegrityError:  # another run inserted it first
        return "already"


def _finish(
    engine: Engine, person: Person, day: dt.date, channel: str, tries: int, error: str | None
) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            text("""UPDATE digest_deliveries
                    SET state = :state, attempts = attempts + :tries, last_error = :error,
                        updated_at = :now
                    WHERE user_id = :user AND day = :day AND channel = :channel"""),
            {
                "state": "failed" if error else "sent",
                "tries": tries,
                "error": error,
                "now": dt.datetime.now(dt.UTC),
                "user": person.user_id,
                "day": day,
                "channel": channel,
            },
        )
        audit.record(
            conn,
            actor="system",
            action="digest.failed" if error else "digest.sent",
            entity="user",
            entity_key=person.username,
            before=None,
            after={
                "day": day.isoformat(),
                "channel": channel,
                **({"error": error} if error else {}),
            },
        )


def _built(
    engine: Engine,
    person: Person,
    day: dt.date,
    settings: NotifySettings,
    rules: RuleSet,
    due_days: int,
) -> tuple[Digest | None, str | None]:
    """The person's digest, or None and why it could not be built."""
    try:
        with engine.connect() as conn:
            return build_digest(conn, person, day, rules, due_days, settings.base_url), None
    except Exception as error:  # one person's data never stops the others
        _LOG.exception("the digest of %s could not be built", person.username)
        return None, f"could not be built: {type(error).__name__}"


def _send(
    settings: NotifySettings,
    channel: str,
    address: str,
    digest: Digest,
    sleep: Callable[[float], None],
) -> tuple[int, str | None]:
    """Up to TRIES tries, waiting BACKOFF_SECONDS, then twice as long, between them;
    how many were made, and the last error (None once one went through)."""
    problem: str | None = None
    for attempt in range(1, TRIES + 1):
        try:
            deliver(settings, channel, address, digest)
            return attempt, None
        except DeliveryError as failed:
            problem = str(failed)
        if attempt < TRIES:
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    return TRIES, problem


def run_reminders(
    engine: Engine,
    day: dt.date,
    settings: NotifySettings,
    rules: RuleSet,
    due_days: int,
    *,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Sends every person's digest of `day` that is not sent yet (see the module)."""
    with engine.connect() as conn:
        people = digest_people(conn)
    outcomes: list[Outcome] = []
    for person in people:
        digest, build_error = _built(engine, person, day, settings, rules, due_days)
        for channel, address in (
            ("email", person.contact.email),
            ("webhook", person.contact.webhook_url),
        ):
            if not address:
                continue
            if dry_run:
                outcomes.append(Outcome(person.username, channel, "dry_run"))
                continue
            claimed = _claim(engine, person.user_id, day, channel, dt.datetime.now(dt.UTC))
            if claimed != "claimed":
                outcomes.append(Outcome(person.username, channel, claimed))
                continue
            tries, problem = (
                (0, build_error)
                if digest is None
                else _send(settings, channel, address, digest, sleep)
            )
            _finish(engine, person, day, channel, max(tries, 1), problem)
            state = "failed" if problem else "sent"
            outcomes.append(Outcome(person.username, channel, state, problem))
    return outcomes


def send_test(engine: Engine, settings: NotifySettings, username: str, actor: str) -> list[Outcome]:
    """A short test message to each address the person set (not counted as a digest)."""
    with engine.connect() as conn:
        user = conn.execute(
            select(User.id, User.display_name, User.language).where(User.username == username)
        ).one()
        contact = load_contact(conn, user.id)
    w = words(user.language)
    digest = Digest(
        w["test_title"].format(name=user.display_name),
        (Section(w["test_line"], ()),),
        f"{settings.base_url}/",
    )
    outcomes = []
    for channel, address in (("email", contact.email), ("webhook", contact.webhook_url)):
        if not address:
            continue
        try:
            deliver(settings, channel, address, digest)
            outcomes.append(Outcome(username, channel, "sent"))
        except DeliveryError as failed:
            outcomes.append(Outcome(username, channel, "failed", str(failed)))
    with write_transaction(engine) as conn:
        audit.record(
            conn,
            actor=actor,
            action="digest.test",
            entity="user",
            entity_key=username,
            before=None,
            after={o.channel: o.state for o in outcomes},
        )
    return outcomes


@dataclass(frozen=True)
class FailedDigest:
    """A digest left undelivered: whose, on which channel, and why."""

    username: str
    channel: str
    error: str | None


def failed_digests(conn: Connection, day: dt.date) -> list[FailedDigest]:
    """The digests of `day` still undelivered (the admin's home lists them)."""
    rows = conn.execute(
        select(User.username, DigestDelivery.channel, DigestDelivery.last_error)
        .join(User, User.id == DigestDelivery.user_id)
        .where(DigestDelivery.day == day, DigestDelivery.state == "failed")
        .order_by(User.username, DigestDelivery.channel)
    ).all()
    return [FailedDigest(r.username, r.channel, r.last_error) for r in rows]
