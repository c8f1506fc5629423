"""The daily digest: off by default, once per local day, grouped by thread, newest first, in the
user's language, with a working unsubscribe link; running it twice sends nothing new."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from lab.core.database import transaction
from lab.extensions import db
from lab.mail.models import OutboxMessage
from lab.notifications import digests, services
from lab.notifications.models import DigestSetting, Notification
from tests.factories import make_user
from tests.notifications.fakes import fake_targets

NOW = datetime(2024, 3, 15, 20, 0, tzinfo=UTC)


def _mails(to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == to).order_by(OutboxMessage.id)
        )
    )


def _notify_at(user_id: int, target_id: int, moment: datetime, thread_id: int | None, **kw):
    with transaction():
        services.notify(
            [user_id],
            kw.pop("kind", "comment"),
            actor_id=kw.pop("actor_id", None),
            target_kind="fake",
            target_id=target_id,
            thread_id=thread_id,
        )
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.target_id == target_id)
        .values(created_at=moment)
    )
    db.session.commit()


def test_nobody_gets_a_digest_unless_they_turned_it_on():
    reader = make_user()
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        _notify_at(reader.id, 1, NOW - timedelta(hours=1), thread_id=1)
        assert digests.send_digests(NOW) == 0
    assert _mails(reader.email) == []


def test_the_digest_groups_by_thread_newest_first_and_is_sent_once(app):
    reader = make_user(display_name="Reader")
    actor = make_user(display_name="Anna")
    services.set_digest(reader.id, True)
    with fake_targets() as fake:
        fake.titles.update({1: "Convents", 2: "Convents reply", 3: "Art exhibition", 4: "Secret"})
        _notify_at(reader.id, 1, NOW - timedelta(hours=5), thread_id=10, actor_id=actor.id)
        _notify_at(reader.id, 3, NOW - timedelta(hours=3), thread_id=20, actor_id=actor.id)
        _notify_at(
            reader.id, 2, NOW - timedelta(hours=1), thread_id=10, actor_id=actor.id, kind="reply"
        )
        _notify_at(reader.id, 4, NOW - timedelta(hours=2), thread_id=30)
        fake.hidden_from.add((reader.id, 4))  # no longer visible to the reader: not mailed
        assert digests.send_digests(NOW) == 1
        assert digests.send_digests(NOW) == 0  # the same day again: nothing
        assert digests.send_digests(NOW + timedelta(hours=2)) == 0
    [mail] = _mails(reader.email)
    body = mail.body
    assert "3 new notifications" in mail.subject
    assert "Secret" not in body
    # Thread 10 has the newest notification, so it comes first; inside it, newest first.
    assert body.index("== Convents reply ==") < body.index("== Art exhibition ==")
    assert body.index("Anna replied to you: Convents reply") < body.index(
        "Anna commented on something you follow: Convents\n"
    )
    assert "\n  http://lab.test/fake/2\n" in body
    link = re.search(r"https?://\S+/notifications/unsubscribe/(\S+)", body)
    assert link and link.group(1) == services.unsubscribe_token(reader.id)
    # Marked as mailed, in the same transaction; still unread in the app.
    pending = db.session.scalars(
        select(Notification).where(Notification.user_id == reader.id).order_by(Notification.id)
    ).all()
    assert [n.digested_at is not None for n in pending] == [True, True, True, False]
    assert all(n.read_at is None for n in pending)
    setting = db.session.get(DigestSetting, reader.id)
    assert setting is not None and setting.last_sent_on == date(2024, 3, 15)


def test_read_and_already_mailed_notifications_are_left_out_and_empty_digests_not_sent():
    reader = make_user()
    services.set_digest(reader.id, True)
    with fake_targets() as fake:
        fake.titles.update({1: "Read already", 2: "New"})
        _notify_at(reader.id, 1, NOW - timedelta(hours=2), thread_id=1)
        services.mark_all_read(reader.id)
        assert digests.send_digests(NOW) == 0  # nothing unread: no mail, the day is not used up
        _notify_at(reader.id, 2, NOW - timedelta(hours=1), thread_id=2)
        assert digests.send_digests(NOW) == 1
    [mail] = _mails(reader.email)
    assert "New" in mail.body and "Read already" not in mail.body


def test_the_next_local_day_brings_the_next_digest_in_the_users_time_zone():
    tokyo = make_user(time_zone="Asia/Tokyo")  # 20:00 UTC on the 15th is the 16th in Tokyo
    utc = make_user()
    for user in (tokyo, utc):
        services.set_digest(user.id, True)
        db.session.get(DigestSetting, user.id).last_sent_on = date(2024, 3, 15)
    db.session.commit()
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        for user in (tokyo, utc):
            _notify_at(user.id, 1, NOW - timedelta(hours=1), thread_id=1)
        assert digests.send_digests(NOW) == 1
        assert len(_mails(tokyo.email)) == 1 and _mails(utc.email) == []
        assert digests.send_digests(NOW + timedelta(hours=4)) == 1  # midnight passed in UTC
    assert len(_mails(utc.email)) == 1
    assert db.session.get(DigestSetting, tokyo.id).last_sent_on == date(2024, 3, 16)


def test_the_digest_is_written_in_the_users_language():
    italian = make_user(preferred_language="it", time_zone="Europe/Rome")
    english = make_user(preferred_language="en", time_zone="Europe/Rome")
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        for user in (italian, english):
            services.set_digest(user.id, True)
            _notify_at(user.id, 1, datetime(2024, 3, 15, 13, 5, tzinfo=UTC), thread_id=1)
        assert digests.send_digests(NOW) == 2
    # Times in the reader's zone and in their language's format (14:05 in Rome).
    assert "15/03/24, 14:05" in _mails(italian.email)[0].body
    assert "3/15/24, 2:05\u202fPM" in _mails(english.email)[0].body


def test_a_failure_for_one_user_leaves_them_untouched_and_the_others_served(monkeypatch):
    first, second = make_user(), make_user()
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        for user in (first, second):
            services.set_digest(user.id, True)
            _notify_at(user.id, 1, NOW - timedelta(hours=1), thread_id=1)
        real_send = digests.send_mail

        def failing_send(recipient, *args, **kwargs):
            message = real_send(recipient, *args, **kwargs)
            if recipient == first.email:
                raise RuntimeError("the process died while mailing")
            return message

        monkeypatch.setattr(digests, "send_mail", failing_send)
        assert digests.send_digests(NOW) == 1
        assert _mails(first.email) == []  # its outbox copy was rolled back with the rest
        assert db.session.get(DigestSetting, first.id).last_sent_on is None
        first_pending = db.session.scalars(
            select(Notification).where(Notification.user_id == first.id)
        ).all()
        assert all(n.digested_at is None for n in first_pending)
        monkeypatch.setattr(digests, "send_mail", real_send)
        assert digests.send_digests(NOW) == 1  # the next run serves the one who failed
    assert len(_mails(first.email)) == 1 and len(_mails(second.email)) == 1


def test_the_command_sends_and_a_second_run_sends_nothing(runner):
    reader = make_user()
    services.set_digest(reader.id, True)
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        _notify_at(reader.id, 1, datetime.now(UTC) - timedelta(minutes=5), thread_id=1)
        result = runner.invoke(args=["notifications", "send-digests"])
        assert result.exit_code == 0, result.output
        assert "1 digest(s) sent" in result.output
        result = runner.invoke(args=["notifications", "send-digests"])
        assert "0 digest(s) sent" in result.output
    assert len(_mails(reader.email)) == 1


def test_the_unsubscribe_link_in_a_digest_turns_it_off(client):
    reader = make_user()
    services.set_digest(reader.id, True)
    with fake_targets() as fake:
        fake.titles[1] = "A topic"
        _notify_at(reader.id, 1, NOW - timedelta(hours=1), thread_id=1)
        digests.send_digests(NOW)
    [mail] = _mails(reader.email)
    path = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+)", mail.body).group(1)
    assert client.get(path).status_code == 200
    assert services.is_digest_enabled(reader.id)
    assert client.post(path, data={}).status_code == 303
    assert not services.is_digest_enabled(reader.id)
