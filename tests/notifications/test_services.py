"""Following, notifying and reading: the services other features call."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lab.core.database import transaction
from lab.core.errors import DomainError
from lab.extensions import db
from lab.notifications import services
from lab.notifications.models import Follow, Notification
from lab.practices import services as practices
from tests.factories import make_practice, make_user
from tests.notifications.fakes import fake_targets


def _notifications(user_id: int) -> list[Notification]:
    return list(db.session.scalars(services.notifications_query(user_id)))


def test_following_twice_keeps_one_follow_and_unfollowing_twice_is_harmless():
    user = make_user()
    practice = make_practice()
    services.follow(user.id, "practice", practice.id)
    services.follow(user.id, "practice", practice.id)
    assert services.is_following(user.id, "practice", practice.id)
    assert services.follower_ids("practice", practice.id) == [user.id]
    count = db.session.scalar(select(func.count()).select_from(Follow))
    assert count == 1
    services.unfollow(user.id, "practice", practice.id)
    services.unfollow(user.id, "practice", practice.id)
    assert not services.is_following(user.id, "practice", practice.id)
    assert services.follower_ids("practice", practice.id) == []


def test_only_known_kinds_can_be_followed():
    user = make_user()
    with pytest.raises(DomainError):
        services.follow(user.id, "comment", 1)


def test_follower_ids_lists_everyone_following_that_target_only():
    first, second, other = make_user(), make_user(), make_user()
    practice, elsewhere = make_practice(), make_practice()
    for user in (second, first):
        services.follow(user.id, "practice", practice.id)
    services.follow(other.id, "practice", elsewhere.id)
    assert services.follower_ids("practice", practice.id) == sorted([first.id, second.id])


def test_a_follow_inside_a_failed_use_case_is_rolled_back_with_it():
    user = make_user()
    practice = make_practice()
    with pytest.raises(RuntimeError), transaction():
        services.follow(user.id, "practice", practice.id)
        raise RuntimeError("the comment could not be saved")
    assert not services.is_following(user.id, "practice", practice.id)


def test_notify_skips_the_actor_and_duplicates():
    actor, reader, other = make_user(), make_user(), make_user()
    with transaction():
        services.notify(
            [actor.id, reader.id, reader.id, other.id],
            "comment",
            actor_id=actor.id,
            target_kind="practice",
            target_id=7,
            thread_id=3,
        )
    assert _notifications(actor.id) == []
    assert len(_notifications(reader.id)) == 1
    assert len(_notifications(other.id)) == 1
    # The same target again while the first is unread (a reply that also mentions): one each.
    with transaction():
        services.notify(
            [reader.id], "mention", actor_id=actor.id, target_kind="practice", target_id=7
        )
    assert [n.kind for n in _notifications(reader.id)] == ["comment"]
    # Once read, something new about it is told again.
    services.mark_all_read(reader.id)
    with transaction():
        services.notify(
            [reader.id], "reply", actor_id=actor.id, target_kind="practice", target_id=7
        )
    assert sorted(n.kind for n in _notifications(reader.id)) == ["comment", "reply"]


def test_notify_writes_in_the_callers_transaction_and_rolls_back_with_it():
    reader = make_user()
    with pytest.raises(RuntimeError), transaction():
        services.notify([reader.id], "reply", actor_id=None, target_kind="practice", target_id=1)
        raise RuntimeError("the event failed")
    assert _notifications(reader.id) == []


def test_notify_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        services.notify([1], "gossip", actor_id=None, target_kind="practice", target_id=1)


def test_marking_read_one_and_all_and_the_unread_count():
    reader = make_user()
    with transaction():
        for target_id in (1, 2, 3):
            services.notify(
                [reader.id], "comment", actor_id=None, target_kind="fake", target_id=target_id
            )
    assert services.unread_count(reader.id) == 3
    first = _notifications(reader.id)[0]
    services.mark_read(reader.id, first.id)
    services.mark_read(reader.id, first.id)
    assert services.unread_count(reader.id) == 2
    someone = make_user()
    services.mark_read(someone.id, _notifications(reader.id)[1].id)  # not theirs: nothing
    assert services.unread_count(reader.id) == 2
    assert services.mark_all_read(reader.id) == 2
    assert services.unread_count(reader.id) == 0


def test_the_unread_count_stops_at_its_cap():
    reader = make_user()
    with transaction():
        for target_id in range(services.UNREAD_COUNT_CAP + 5):
            services.notify(
                [reader.id], "comment", actor_id=None, target_kind="fake", target_id=target_id
            )
    assert services.unread_count(reader.id) == services.UNREAD_COUNT_CAP


def test_a_notification_whose_target_became_invisible_is_not_shown():
    reader, actor = make_user(), make_user(display_name="Actor Name")
    with fake_targets() as fake:
        fake.titles.update({1: "Visible", 2: "Hidden later", 3: "Deleted later"})
        with transaction():
            for target_id in (1, 2, 3):
                services.notify(
                    [reader.id],
                    "comment",
                    actor_id=actor.id,
                    target_kind="fake",
                    target_id=target_id,
                )
        fake.hidden_from.add((reader.id, 2))
        del fake.titles[3]
        shown = services.shown(reader, _notifications(reader.id))
    assert [(s.title, s.actor_name, s.url) for s in shown] == [("Visible", "Actor Name", "/fake/1")]


def test_a_kind_nobody_registered_is_never_shown():
    reader = make_user()
    with transaction():
        services.notify([reader.id], "comment", actor_id=None, target_kind="unknown", target_id=1)
    assert services.shown(reader, _notifications(reader.id)) == []


def test_a_practice_taken_back_to_draft_or_deleted_no_longer_shows(app):
    delegate = make_user("delegate")
    reader = make_user()
    kept, drafted, deleted = (make_practice(delegate, title=t) for t in ("Kept", "Drafted", "Gone"))
    with transaction():
        for practice in (kept, drafted, deleted):
            services.notify(
                [reader.id, delegate.id],
                "comment",
                actor_id=None,
                target_kind="practice",
                target_id=practice.id,
            )
    practices.change_status(delegate, drafted, "draft")
    practices.delete_practice(delegate, deleted)
    with app.test_request_context():  # the practices build their links with url_for
        reader_sees = [s.title for s in services.shown(reader, _notifications(reader.id))]
        delegate_sees = sorted(
            s.title for s in services.shown(delegate, _notifications(delegate.id))
        )
    assert reader_sees == ["Kept"]
    # The draft's own city still sees it; nobody sees the deleted one through a notification.
    assert delegate_sees == ["Drafted", "Kept"]


def test_the_digest_is_off_by_default_and_can_be_turned_on_and_off():
    user = make_user()
    assert not services.is_digest_enabled(user.id)
    services.set_digest(user.id, True)
    assert services.is_digest_enabled(user.id)
    services.unsubscribe(services.unsubscribe_token(user.id))
    assert not services.is_digest_enabled(user.id)
    with pytest.raises(DomainError):
        services.unsubscribe("not-a-token")
