"""The daily digest by e-mail: ``flask --app lab notifications send-digests``.

Safe to run as often as you like (e.g. hourly from cron): a user gets at most one digest per local
day, and each notification is mailed at most once. Every user is one transaction: the mail (its
outbox copy), ``digested_at`` on what it lists and ``last_sent_on`` commit together, so running the
command twice sends nothing the second time, and a crash part-way leaves every user either fully
done or untouched. (Only an SMTP delivery that succeeds just before a failed commit could repeat.)

Safe from any instance, at the same time (decision 0015): the day is *claimed* before the mail is
written, by one conditional ``UPDATE digest_setting SET last_sent_on = today WHERE user_id = ? AND
(last_sent_on IS NULL OR last_sent_on < today)``. Of two runs racing for one user, the database
lets exactly one update the row: on PostgreSQL the other waits for the row lock (taken already by
``SELECT ... FOR UPDATE``), then finds the day used and stops; on SQLite writers are serialised
(``BEGIN IMMEDIATE``). The loser sends nothing, and nothing of its transaction is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select, update

from lab.auth.mail_language import in_language
from lab.auth.models import User
from lab.auth.tokens import external_url
from lab.core.database import transaction
from lab.core.i18n import datetime_in_zone
from lab.core.languages import is_time_zone
from lab.core.types import utcnow
from lab.extensions import db
from lab.mail.services import send_mail
from lab.notifications import services
from lab.notifications.models import DigestSetting, Notification
from lab.notifications.texts import notification_sentence

log = logging.getLogger(__name__)
DIGEST_MAX_LOADED = 1000  # notifications considered per user and run (the newest)
DIGEST_MAX_LISTED = 50  # lines in one mail; the rest are counted, all are marked as mailed


@dataclass
class ThreadGroup:
    """The notifications of one thread (or one target, outside threads), newest first."""

    title: str
    items: list[services.ShownNotification] = field(default_factory=list)


def group_by_thread(items: list[services.ShownNotification]) -> list[ThreadGroup]:
    """Group notifications (given newest first) by thread; groups ordered by their newest item."""
    groups: dict[object, ThreadGroup] = {}
    for item in items:
        key: object = (
            ("thread", item.thread_id) if item.thread_id is not None else ("url", item.url)
        )
        if key not in groups:
            groups[key] = ThreadGroup(title=item.title)
        groups[key].items.append(item)
    return list(groups.values())


@contextmanager
def _site_request() -> Iterator[None]:
    """A request context on SITE_URL, so targets can build their links with ``url_for``.

    POST, so that on SQLite the digest's transactions take the write lock at BEGIN, as a CLI
    command's do (a GET never writes).
    """
    with current_app.test_request_context(
        "/", base_url=str(current_app.config["SITE_URL"]), method="POST"
    ):
        yield


def due_user_ids(now: datetime) -> list[int]:
    """Users with the digest on, active and verified, whose local day moved past the last digest."""
    rows = db.session.execute(
        select(User.id, User.time_zone, DigestSetting.last_sent_on)
        .join(DigestSetting, DigestSetting.user_id == User.id)
        .where(
            DigestSetting.is_enabled.is_(True),
            User.deactivated_at.is_(None),
            User.email_verified_at.is_not(None),
        )
        .order_by(User.id)
    ).all()
    return [
        row.id
        for row in rows
        if row.last_sent_on is None or row.last_sent_on < services.local_day(row.time_zone, now)
    ]


def send_digests(now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many mails were sent."""
    now = now or utcnow()
    sent = 0
    with _site_request():
        user_ids = due_user_ids(now)
        db.session.rollback()  # end the read; each user below is a transaction of its own
        for user_id in user_ids:
            try:
                if send_digest(user_id, now):
                    sent += 1
            except Exception:
                # One user's failure (a deleted target's hook raising...) must not stop the others;
                # their transaction was rolled back, so the next run tries them again.
                log.exception("digest for user %s failed", user_id)
    return sent


def send_digest(user_id: int, now: datetime) -> bool:
    """Mail one user their digest if it is due and has something to say; True if mailed."""
    with transaction():
        setting = db.session.scalar(
            select(DigestSetting).where(DigestSetting.user_id == user_id).with_for_update()
        )
        user = db.session.get(User, user_id)
        if setting is None or user is None or not setting.is_enabled:
            return False
        if not user.is_active or not user.is_verified:
            return False
        today = services.local_day(user.time_zone, now)
        if setting.last_sent_on is not None and setting.last_sent_on >= today:
            return False  # already sent today (another run got here first)
        pending = list(
            db.session.scalars(
                services.notifications_query(user_id)
                .where(Notification.read_at.is_(None), Notification.digested_at.is_(None))
                .limit(DIGEST_MAX_LOADED)
            )
        )
        # Only what the user may still see now; the rest stays un-mailed (a hidden comment that
        # a moderator restores can still appear in a later digest).
        items = services.shown(user, pending)
        if not items:
            return False
        services.ensure_digest_setting(user_id)
        unsubscribe_link = external_url(
            "notifications.unsubscribe", token=services.unsubscribe_token(user_id)
        )
        zone = user.time_zone if user.time_zone and is_time_zone(user.time_zone) else "UTC"
        with in_language(user.preferred_language):
            subject, body = _compose(user, items, zone, unsubscribe_link)
        # send_mail cannot set headers; with that ability, add "List-Unsubscribe: <link>" and
        # "List-Unsubscribe-Post: List-Unsubscribe=One-Click" (RFC 8058) pointing at the same
        # link, with the unsubscribe POST exempted from CSRF (the token is the proof).
        if not _claim_day(setting, today):
            return False  # another instance's run claimed today first
        send_mail(user.email, subject, body, secrets=[unsubscribe_link])
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_([item.id for item in items]))
            .values(digested_at=now)
        )
        return True


def _claim_day(setting: DigestSetting, today: date) -> bool:
    """Mark today's digest as sent unless it already is; True if this transaction claimed it.

    One conditional UPDATE, so the check and the mark cannot be separated by another run.
    """
    result = db.session.execute(
        update(DigestSetting)
        .where(
            DigestSetting.user_id == setting.user_id,
            or_(DigestSetting.last_sent_on.is_(None), DigestSetting.last_sent_on < today),
        )
        .values(last_sent_on=today)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(setting, ["last_sent_on"])  # the row changed behind the ORM's back
    return bool(getattr(result, "rowcount", 0) == 1)


def _absolute(url: str) -> str:
    return urljoin(str(current_app.config["SITE_URL"]).rstrip("/") + "/", url)


def _compose(
    user: User, items: list[services.ShownNotification], zone: str, unsubscribe_link: str
) -> tuple[str, str]:
    """The subject and plain-text body, in the current (the recipient's) language."""
    listed = items[:DIGEST_MAX_LISTED]
    subject = ngettext(
        "Your daily digest: %(num)d new notification",
        "Your daily digest: %(num)d new notifications",
        len(items),
    )
    lines = [
        _("Hello %(name)s,", name=user.display_name),
        "",
        _("here is what happened in the Heritage Living Lab since your last digest, newest first."),
    ]
    for group in group_by_thread(listed):
        lines += ["", f"== {group.title} =="]
        for item in group.items:
            when = datetime_in_zone(item.created_at, zone, "short")
            sentence = notification_sentence(item.kind, item.actor_name)
            lines.append(f"- {when} · {sentence}: {item.title}")
            lines.append(f"  {_absolute(item.url)}")
    if len(items) > len(listed):
        lines += [
            "",
            ngettext(
                "…and %(num)d more on your notifications page.",
                "…and %(num)d more on your notifications page.",
                len(items) - len(listed),
            ),
        ]
    lines += [
        "",
        _("All your notifications: %(link)s", link=_absolute(url_for("notifications.index"))),
        "",
        _("To stop receiving this daily digest, open this link: %(link)s", link=unsubscribe_link),
        _(
            "You can also change it in your notification settings: %(link)s",
            link=_absolute(url_for("notifications.settings")),
        ),
    ]
    return subject, "\n".join(lines)
