"""Where each person's daily digest goes: an e-mail address and/or a group robot's
webhook, and whether they want the digest at all. Set by the person on their settings
page, by an admin on the users page, or with `python -m core users set-contact`; every
change is audited (the webhook's address only as its host: the rest is its secret key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, insert, select, update

from core.db import audit
from core.db.models import User
from core.notify.config import EMAIL, webhook_problem
from core.notify.models import UserContact
from core.validation import FieldError, ValidationFailed

ADDRESS_MAX = 320
URL_MAX = 1000
# "Leave as it is" for set_contact's fields.
KEEP = object()


@dataclass(frozen=True)
class Contact:
    """A person's digest settings (None: no address of that kind)."""

    email: str | None
    webhook_url: str | None
    digest: bool

    @property
    def reachable(self) -> bool:
        """Whether the digest is on and has somewhere to go."""
        return self.digest and bool(self.email or self.webhook_url)


NO_CONTACT = Contact(None, None, True)


def load_contact(conn: Connection, user_id: int) -> Contact:
    """The person's settings (no address, digest on, when they never set any)."""
    row = conn.execute(
        select(UserContact.email, UserContact.webhook_url, UserContact.digest).where(
            UserContact.user_id == user_id
        )
    ).first()
    if row is None:
        return NO_CONTACT
    return Contact(row.email, row.webhook_url, bool(row.digest))


def webhook_host(url: str | None) -> str | None:
    """The host of a webhook address: all of it the audit trail and screens may show."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def check_contact(
    email: str | None, webhook_url: str | None, allowed_hosts: frozenset[str]
) -> list[FieldError]:
    """Every problem of the addresses (empty ones are fine: no digest that way)."""
    errors = []
    if email and (len(email) > ADDRESS_MAX or not EMAIL.match(email)):
        errors.append(FieldError("email", "bad_email"))
    if webhook_url:
        problem = (
            "bad_url" if len(webhook_url) > URL_MAX else webhook_problem(webhook_url, allowed_hosts)
        )
        if problem:
            errors.append(
                FieldError("webhook", problem, {"hosts": ", ".join(sorted(allowed_hosts))})
            )
    return errors


def set_contact(
    conn: Connection,
    username: str,
    *,
    actor: str,
    allowed_hosts: frozenset[str],
    email: object = KEEP,
    webhook_url: object = KEEP,
    digest: object = KEEP,
) -> Contact:
    """Changes a person's settings in the caller's write transaction (fields not given
    are kept; "" clears an address); ValidationFailed lists every problem."""
    user = conn.execute(select(User.id).where(User.username == username.strip().lower())).first()
    if user is None:
        raise ValidationFailed([FieldError("username", "unknown_user", {"username": username})])
    before = load_contact(conn, user.id)
    new_email = before.email if email is KEEP else (str(email).strip() or None)
    new_url = before.webhook_url if webhook_url is KEEP else (str(webhook_url).strip() or None)
    new_digest = before.digest if digest is KEEP else bool(digest)
    errors = check_contact(new_email, new_url, allowed_hosts)
    if errors:
        raise ValidationFailed(errors)
    after = Contact(new_email, new_url, new_digest)
    if after == before:
        return after
    row = conn.execute(select(UserContact.user_id).where(UserContact.user_id == user.id)).first()
    now = dt.datetime.now(dt.UTC)
    values = {"email": new_email, "webhook_url": new_url, "digest": new_digest, "updated_at": now}
    if row is None:
        conn.execute(insert(UserContact).values(user_id=user.id, **values))
    else:
        conn.execute(update(UserContact).where(UserContact.user_id == user.id).values(**values))
    audit.record(
        conn,
        actor=actor,
        action="user.contact",
        entity="user",
        entity_key=username.strip().lower(),
        before=_audited(before),
        after=_audited(after),
    )
    return after


def _audited(contact: Contact) -> dict[str, object]:
    return {
        "email": contact.email,
        "webhook": webhook_host(contact.webhook_url),
        "digest": contact.digest,
    }
