"""``flask notifications send-digests`` started at the same moment on two instances: every user
still gets exactly one digest, on SQLite and on PostgreSQL.

Both runs read the list of users due *before* either sends anything (a barrier makes that
certain), so both go on to try every user: only the database's claim of the day can keep the
second run from mailing them again. Real commits from two threads, each with its own session and
connection, on a database of the test's own.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.core.database import transaction
from lab.extensions import db
from lab.mail.models import OutboxMessage
from lab.notifications import digests, services
from lab.notifications.models import DigestSetting
from tests.factories import make_user
from tests.notifications.fakes import fake_targets

pytestmark = pytest.mark.own_app

NOW = datetime(2024, 3, 15, 20, 0, tzinfo=UTC)
USERS = 12


@pytest.fixture
def digest_app(fresh_app: Any) -> Flask:
    """The app on a fresh, migrated database of its own (a SQLite file or a PostgreSQL database)."""
    app: Flask = fresh_app("digest_race")
    return app


def _readers_with_something_unread(app: Flask, count: int) -> list[str]:
    """Users with the digest on and one unread notification each; their addresses."""
    with app.app_context():
        readers = [make_user() for _ in range(count)]
        addresses = [reader.email for reader in readers]
        for reader in readers:
            services.set_digest(reader.id, True)
        with transaction():
            services.notify(
                [reader.id for reader in readers],
                "comment",
                actor_id=None,
                target_kind="fake",
                target_id=1,
                thread_id=None,
            )
        db.session.remove()
    return addresses


def test_two_instances_sending_digests_at_once_send_each_digest_once(
    digest_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_targets() as fake:
        fake.titles[1] = "Reuse of the old tannery"
        addresses = _readers_with_something_unread(digest_app, USERS)

        both_listed = threading.Barrier(2, timeout=60)
        real_due_user_ids = digests.due_user_ids

        def list_then_wait(now: datetime) -> list[int]:
            due = real_due_user_ids(now)
            db.session.rollback()  # end the read (as send_digests does next), then wait
            both_listed.wait()  # neither run sends before both have their list
            return due

        monkeypatch.setattr(digests, "due_user_ids", list_then_wait)
        sent: list[int] = []
        errors: list[str] = []

        def run_on_an_instance() -> None:
            with digest_app.app_context():
                try:
                    sent.append(digests.send_digests(NOW))
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")
                finally:
                    db.session.remove()

        runs = [threading.Thread(target=run_on_an_instance) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=120)
        assert not any(run.is_alive() for run in runs)

    assert errors == []
    with digest_app.app_context():
        mails = db.session.execute(
            select(OutboxMessage.recipient, func.count())
            .where(OutboxMessage.recipient.in_(addresses))
            .group_by(OutboxMessage.recipient)
        ).all()
        days = set(db.session.scalars(select(DigestSetting.last_sent_on)))
        db.session.remove()
    assert dict(mails) == dict.fromkeys(addresses, 1)  # each reader: one digest, not two
    assert sorted(sent, reverse=True)[0] + sorted(sent)[0] == USERS  # split between the runs
    assert days == {NOW.date()}


def test_a_second_run_the_same_day_sends_nothing_from_another_instance(
    digest_app: Flask,
) -> None:
    with fake_targets() as fake:
        fake.titles[1] = "Reuse of the old tannery"
        _readers_with_something_unread(digest_app, 3)
        with digest_app.app_context():
            first = digests.send_digests(NOW)
            db.session.remove()
        with digest_app.app_context():  # another instance, later the same day
            second = digests.send_digests(NOW.replace(hour=22))
            db.session.remove()

    assert (first, second) == (3, 0)
