"""Coordinators are told when something new enters the queue; authors are told about decisions on
their content; nobody else sees either, and a notification shows the decision as it is now."""

from __future__ import annotations

from sqlalchemy import select

from lab.extensions import db
from lab.moderation import services
from lab.notifications.models import Notification
from lab.notifications.services import shown
from tests.factories import make_practice, make_user, sign_in
from tests.moderation.test_views import XSS


def _notifications(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_coordinators_are_told_once_when_an_item_enters_the_queue(app, world):
    second = make_user("coordinator")
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.flag(world.reporters[1], "practice", world.practice.id, "offensive", "")
    for coordinator in (world.coordinator, second):
        [note] = _notifications(coordinator)
        assert (note.kind, note.target_kind) == ("queue", "flag")
    for user in (world.admin, world.author, *world.reporters):
        assert [n.kind for n in _notifications(user)] == []

    client = _client(app, world.coordinator)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Something new is waiting in the review queue" in page
    assert world.practice.title in page
    opened = client.post(f"/notifications/{_notifications(world.coordinator)[0].id}/read", data={})
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/moderation/items/practice/{world.practice.id}")


def test_an_item_reported_again_after_a_decision_enters_the_queue_again(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.dismiss(world.coordinator, "practice", world.practice.id, "")
    services.flag(world.reporters[1], "practice", world.practice.id, "spam", "")
    assert [n.kind for n in _notifications(world.coordinator)] == ["queue", "queue"]


def test_a_report_notification_is_never_shown_to_anyone_but_coordinators(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    [note] = _notifications(world.coordinator)
    assert len(shown(world.coordinator, [note])) == 1
    for user in (world.admin, world.author, world.reporters[0]):
        assert shown(user, [note]) == []


def test_authors_are_told_about_hiding_and_restoring_with_the_reason(app, world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.hide(world.coordinator, "practice", world.practice.id, "Advertising a shop")
    notes = _notifications(world.author)
    assert [(n.kind, n.target_kind, n.actor_id) for n in notes] == [
        ("moderation", "moderation", world.coordinator.id)
    ]
    page = _client(app, world.author).get("/notifications").get_data(as_text=True)
    assert "A moderator made a decision about your contribution" in page
    assert "was hidden: Advertising a shop" in page

    services.restore(world.coordinator, "practice", world.practice.id, "")
    assert [n.kind for n in _notifications(world.author)] == ["moderation", "moderation"]
    page = _client(app, world.author).get("/notifications").get_data(as_text=True)
    assert "is visible again" in page
    # Nobody else reads the decision.
    for user in (world.reporters[0], world.admin, world.coordinator):
        assert shown(user, _notifications(world.author)) == []


def test_automatic_hiding_tells_the_author_and_dismissing_does_not(world):
    for reporter in world.reporters:
        services.flag(reporter, "practice", world.practice.id, "spam", "")
    [note] = _notifications(world.author)
    [(title, _url)] = [(s.title, s.url) for s in shown(world.author, [note])]
    assert "reports from 3 people" in title

    other = make_user("delegate", city=world.city)
    second = make_practice(other)
    services.flag(world.reporters[0], "practice", second.id, "spam", "")
    services.dismiss(world.coordinator, "practice", second.id, "")
    assert _notifications(other) == []


def test_a_reason_with_markup_is_shown_as_text(app, world):
    services.hide(world.coordinator, "practice", world.practice.id, XSS)
    page = _client(app, world.author).get("/notifications").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
