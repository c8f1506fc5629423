"""Flags, auto-hiding, decisions, thread settings, suspensions and the log, at the service level."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lab.audit.models import AuditEvent
from lab.auth.models import User
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.core.types import utcnow
from lab.discussion.models import Thread
from lab.extensions import db
from lab.moderation import services
from lab.moderation.models import Flag, ModerationLogEntry
from lab.practices.models import Practice
from lab.practices.services import delete_practice, load_practice
from lab.search import services as search
from lab.search.viewer import viewer_for
from tests.factories import make_practice, make_user


def _practice(practice_id: int) -> Practice:
    found = db.session.scalar(
        select(Practice)
        .where(Practice.id == practice_id)
        .execution_options(include_hidden=True, include_deleted=True)
    )
    assert found is not None
    return found


def _flags(practice_id: int) -> list[Flag]:
    return list(
        db.session.scalars(
            select(Flag)
            .where(Flag.target_kind == "practice", Flag.target_id == practice_id)
            .order_by(Flag.id)
        )
    )


def _log() -> list[ModerationLogEntry]:
    return list(db.session.scalars(select(ModerationLogEntry).order_by(ModerationLogEntry.id)))


def _found_by_search(user, word: str) -> bool:
    results = search.search(word, viewer_for(user))
    return any(hit.kind == "practice" for hit in results.hits)


# Flagging


def test_a_flag_is_kept_with_its_reason_and_enters_the_queue(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "  Sells  things ")
    [flag] = _flags(world.practice.id)
    assert (flag.reporter_id, flag.reason, flag.text) == (
        world.reporters[0].id,
        "spam",
        "Sells things",
    )
    assert flag.resolved_at is None
    assert services.queue_count() == 1


def test_one_flag_per_person_per_item(world):
    reporter = world.reporters[0]
    services.flag(reporter, "practice", world.practice.id, "spam", "")
    with pytest.raises(DomainError, match="already reported"):
        services.flag(reporter, "practice", world.practice.id, "offensive", "")
    assert len(_flags(world.practice.id)) == 1


def test_the_unique_constraint_catches_a_flag_the_check_did_not_see(world, monkeypatch):
    reporter = world.reporters[0]
    services.flag(reporter, "practice", world.practice.id, "spam", "")
    # A racing request that checked before the first flag was saved reaches the insert.
    monkeypatch.setattr(services, "has_flagged", lambda *args: False)
    with pytest.raises(DomainError, match="already reported"):
        services.flag(reporter, "practice", world.practice.id, "offensive", "")
    assert len(_flags(world.practice.id)) == 1


@pytest.mark.parametrize(
    ("reason", "text", "field", "message"),
    [
        ("rude", "", "reason", "Choose a reason"),
        ("", "", "reason", "Choose a reason"),
        ("other", "   ", "text", "needs a few words"),
        ("spam", "x" * 501, "text", "at most 500"),
    ],
)
def test_bad_reasons_are_refused_and_nothing_is_saved(world, reason, text, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        services.flag(world.reporters[0], "practice", world.practice.id, reason, text)
    assert refused.value.field == field
    assert _flags(world.practice.id) == []


def test_other_with_words_is_accepted(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "other", "Copied text")
    assert _flags(world.practice.id)[0].reason == "other"


def test_hidden_or_deleted_content_cannot_be_flagged(world):
    services.hide(world.coordinator, "practice", world.practice.id, "Advertising")
    with pytest.raises(DomainError, match="already hidden"):
        services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    gone = make_practice(world.author)
    delete_practice(world.author, gone)
    # A deleted practice is seen only by its editors: for a young reporter it does not exist.
    with pytest.raises(NotFoundError):
        services.flag(world.reporters[0], "practice", gone.id, "spam", "")
    editor = make_user("delegate", city=world.city)
    with pytest.raises(DomainError, match="deleted"):
        services.flag(editor, "practice", gone.id, "spam", "")
    assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_what_a_person_cannot_see_cannot_be_flagged(world):
    draft = make_practice(world.author, status="draft")
    with pytest.raises(NotFoundError):
        services.flag(world.reporters[0], "practice", draft.id, "spam", "")
    with pytest.raises(NotFoundError):
        services.flag(world.reporters[0], "practice", 10**9, "spam", "")
    with pytest.raises(PermissionDeniedError):
        services.flag(world.reporters[0], "workspace", world.practice.id, "spam", "")


def test_authors_cannot_flag_their_own_content(world):
    with pytest.raises(DomainError, match="wrote yourself"):
        services.flag(world.author, "practice", world.practice.id, "spam", "")


def test_a_suspended_person_cannot_flag(world):
    reporter = world.reporters[0]
    reporter.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    with pytest.raises(PermissionDeniedError):
        services.flag(reporter, "practice", world.practice.id, "spam", "")


# Auto-hiding


def test_three_different_reporters_hide_the_item_pending_review(world):
    first, second, third = world.reporters
    services.flag(first, "practice", world.practice.id, "spam", "")
    services.flag(second, "practice", world.practice.id, "offensive", "")
    assert not _practice(world.practice.id).is_hidden
    assert _found_by_search(world.reporters[0], "convent")
    services.flag(third, "practice", world.practice.id, "off_topic", "")

    practice = _practice(world.practice.id)
    assert practice.is_hidden
    assert "3 people" in (practice.hidden_reason or "")
    assert load_practice(world.practice.id) is None  # gone from ordinary queries
    assert not _found_by_search(world.reporters[0], "convent")
    # Still in the queue, pending review: the flags stay open.
    assert services.queue_count() == 1
    assert all(f.resolved_at is None for f in _flags(world.practice.id))
    [entry] = _log()
    assert (entry.action, entry.actor_id, entry.target_id) == ("auto_hide", None, practice.id)
    assert entry.details == {"reporters": 3}


def test_three_flags_from_one_person_do_not_hide(world):
    reporter = world.reporters[0]
    services.flag(reporter, "practice", world.practice.id, "spam", "")
    for reason in ("offensive", "off_topic"):
        with pytest.raises(DomainError):
            services.flag(reporter, "practice", world.practice.id, reason, "")
    services.flag(world.reporters[1], "practice", world.practice.id, "spam", "")
    assert not _practice(world.practice.id).is_hidden


def test_the_threshold_is_configurable(app, world):
    app.config["MODERATION_AUTO_HIDE_FLAGS"] = 2
    try:
        services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
        services.flag(world.reporters[1], "practice", world.practice.id, "spam", "")
    finally:
        app.config["MODERATION_AUTO_HIDE_FLAGS"] = 3
    assert _practice(world.practice.id).is_hidden


def test_dismissed_flags_no_longer_count_towards_hiding(world):
    first, second, third = world.reporters
    services.flag(first, "practice", world.practice.id, "spam", "")
    services.flag(second, "practice", world.practice.id, "spam", "")
    services.dismiss(world.coordinator, "practice", world.practice.id, "Not spam")
    services.flag(third, "practice", world.practice.id, "spam", "")
    assert not _practice(world.practice.id).is_hidden


# Who moderates


@pytest.mark.parametrize("role", ["young_stakeholder", "delegate", "admin"])
def test_only_coordinators_moderate(world, role):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    someone = make_user(role, city=world.city if role == "delegate" else None)
    thread = Thread(owner_kind="practice", owner_id=world.practice.id)
    db.session.add(thread)
    db.session.commit()
    attempts = [
        lambda: services.hide(someone, "practice", world.practice.id, "No"),
        lambda: services.restore(someone, "practice", world.practice.id, ""),
        lambda: services.dismiss(someone, "practice", world.practice.id, ""),
        lambda: services.lock_thread(someone, thread, True, "No"),
        lambda: services.set_slow_mode(someone, thread, 60, "No"),
        lambda: services.suspend_author(
            someone, "practice", world.practice.id, world.author, utcnow() + timedelta(days=1), "No"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert not _practice(world.practice.id).is_hidden
    assert _log() == []


def test_a_suspended_coordinator_does_not_moderate(world):
    world.coordinator.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(PermissionDeniedError):
        services.hide(world.coordinator, "practice", world.practice.id, "No")


# Decisions


def test_hide_keeps_the_content_with_the_reason_and_resolves_the_flags(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.flag(world.reporters[1], "practice", world.practice.id, "offensive", "")
    before = utcnow()
    services.hide(world.coordinator, "practice", world.practice.id, "  Advertising  a shop ")

    practice = _practice(world.practice.id)
    assert practice.is_hidden and practice.hidden_reason == "Advertising a shop"
    assert practice.title == "The convent becomes a youth centre"  # kept, never deleted
    assert [f.resolution for f in _flags(practice.id)] == ["hidden", "hidden"]
    assert {f.resolved_by_id for f in _flags(practice.id)} == {world.coordinator.id}
    assert services.queue_count() == 0
    assert not _found_by_search(world.coordinator, "convent")
    [entry] = _log()
    assert (entry.action, entry.actor_id, entry.target_kind, entry.target_id, entry.reason) == (
        "hide",
        world.coordinator.id,
        "practice",
        practice.id,
        "Advertising a shop",
    )
    assert entry.at >= before - timedelta(seconds=1)
    assert entry.details == {"flags_resolved": 2}


def test_hiding_needs_a_reason(world):
    with pytest.raises(DomainError, match="author will see") as refused:
        services.hide(world.coordinator, "practice", world.practice.id, "   ")
    assert refused.value.field == "reason"
    assert not _practice(world.practice.id).is_hidden
    assert _log() == []


def test_restore_shows_the_item_again_and_resolves_the_flags(world):
    for reporter in world.reporters:
        services.flag(reporter, "practice", world.practice.id, "spam", "")
    assert _practice(world.practice.id).is_hidden
    services.restore(world.coordinator, "practice", world.practice.id, "Not spam after all")

    practice = _practice(world.practice.id)
    assert not practice.is_hidden and practice.hidden_reason is None
    assert [f.resolution for f in _flags(practice.id)] == ["restored"] * 3
    assert services.queue_count() == 0
    assert _found_by_search(world.reporters[0], "convent")
    assert [(e.action, e.reason) for e in _log()] == [
        ("auto_hide", _log()[0].reason),
        ("restore", "Not spam after all"),
    ]


def test_restoring_a_visible_item_is_refused(world):
    with pytest.raises(DomainError, match="not hidden"):
        services.restore(world.coordinator, "practice", world.practice.id, "")
    assert _log() == []


def test_dismiss_resolves_the_flags_and_leaves_the_item_visible(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.dismiss(world.coordinator, "practice", world.practice.id, "")
    assert not _practice(world.practice.id).is_hidden
    assert [f.resolution for f in _flags(world.practice.id)] == ["dismissed"]
    assert services.queue_count() == 0
    assert [e.action for e in _log()] == ["dismiss"]
    with pytest.raises(DomainError, match="no open reports"):
        services.dismiss(world.coordinator, "practice", world.practice.id, "")


def test_dismissing_a_hidden_item_is_refused(world):
    for reporter in world.reporters:
        services.flag(reporter, "practice", world.practice.id, "spam", "")
    with pytest.raises(DomainError, match="restore it"):
        services.dismiss(world.coordinator, "practice", world.practice.id, "")
    assert all(f.resolved_at is None for f in _flags(world.practice.id))


def test_a_decision_on_something_missing_is_not_found(world):
    with pytest.raises(NotFoundError):
        services.hide(world.coordinator, "practice", 10**9, "Spam")
    with pytest.raises(NotFoundError):
        services.hide(world.coordinator, "nonsense", 1, "Spam")


# Threads


def _thread(world) -> Thread:
    thread = Thread(owner_kind="practice", owner_id=world.practice.id)
    db.session.add(thread)
    db.session.commit()
    return thread


def test_lock_and_unlock_a_thread_are_logged(world):
    thread = _thread(world)
    with pytest.raises(DomainError, match="reason"):
        services.lock_thread(world.coordinator, thread, True, "")
    services.lock_thread(world.coordinator, thread, True, "Heated")
    assert thread.is_locked and thread.locked_by_id == world.coordinator.id
    with pytest.raises(DomainError, match="already locked"):
        services.lock_thread(world.coordinator, thread, True, "Again")
    services.lock_thread(world.coordinator, thread, False, "")
    assert not thread.is_locked
    assert [(e.action, e.target_kind, e.target_id, e.reason) for e in _log()] == [
        ("lock", "thread", thread.id, "Heated"),
        ("unlock", "thread", thread.id, ""),
    ]


def test_slow_mode_is_set_within_bounds_and_logged(world):
    thread = _thread(world)
    for seconds in (-1, 86401):
        with pytest.raises(DomainError):
            services.set_slow_mode(world.coordinator, thread, seconds, "Busy")
    with pytest.raises(DomainError, match="reason"):
        services.set_slow_mode(world.coordinator, thread, 60, "")
    services.set_slow_mode(world.coordinator, thread, 300, "Busy thread")
    assert thread.slow_mode_seconds == 300
    services.set_slow_mode(world.coordinator, thread, 0, "")
    assert thread.slow_mode_seconds == 0
    assert [(e.action, e.details) for e in _log()] == [
        ("slow_mode", {"seconds": 300, "before": 0}),
        ("slow_mode", {"seconds": 0, "before": 300}),
    ]


# Suspensions from the queue


def test_suspend_an_author_from_the_queue(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "offensive", "")
    until = utcnow() + timedelta(days=7)
    services.suspend_author(
        world.coordinator, "practice", world.practice.id, world.author, until, "Insults"
    )
    author = db.session.get(User, world.author.id)
    assert author is not None and author.is_suspended
    assert author.suspension_reason == "Insults"
    [entry] = _log()
    assert (entry.action, entry.target_kind, entry.target_id, entry.reason) == (
        "suspend",
        "user",
        world.author.id,
        "Insults",
    )
    assert entry.details["because_of"] == f"practice:{world.practice.id}"
    audited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.suspended"))
    assert audited is not None and audited.target_id == world.author.id


def test_only_an_author_of_the_item_is_suspended_from_it(world):
    bystander = make_user("young_stakeholder")
    with pytest.raises(NotFoundError):
        services.suspend_author(
            world.coordinator,
            "practice",
            world.practice.id,
            bystander,
            utcnow() + timedelta(days=1),
            "No",
        )
    assert not bystander.is_suspended
    assert _log() == []


def test_a_suspension_in_the_past_is_refused_and_nothing_is_logged(world):
    with pytest.raises(DomainError, match="future"):
        services.suspend_author(
            world.coordinator,
            "practice",
            world.practice.id,
            world.author,
            utcnow() - timedelta(days=1),
            "Insults",
        )
    assert _log() == []


def test_staff_access_is_logged(world):
    services.log_staff_access(world.coordinator, "workspace", 7)
    [entry] = _log()
    assert (entry.action, entry.actor_id, entry.target_kind, entry.target_id) == (
        "staff_access",
        world.coordinator.id,
        "workspace",
        7,
    )


# The log


def test_the_log_filters_by_action_actor_and_kind(world):
    other = make_user("coordinator", display_name="Otto Other")
    thread = _thread(world)
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.hide(world.coordinator, "practice", world.practice.id, "Spam")
    services.lock_thread(other, thread, True, "Heated")

    def actions(**filters):
        statement = services.log_statement(services.LogFilters(**filters))
        return [e.action for e in db.session.scalars(statement)]

    assert actions() == ["lock", "hide"]
    assert actions(action="hide") == ["hide"]
    assert actions(actor="otto") == ["lock"]
    assert actions(actor="%") == []  # taken literally
    assert actions(target_kind="thread") == ["lock"]
    assert actions(target_kind="practice", actor="cora") == ["hide"]


# The queue


def test_the_queue_lists_items_oldest_first_with_open_flags_only(world):
    second = make_practice(world.author, title="Second")
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    services.flag(world.reporters[1], "practice", second.id, "offensive", "")
    services.flag(world.reporters[2], "practice", world.practice.id, "other", "Why")
    page = services.queue_page(1, 20)
    assert [(i.kind, i.id) for i in page.items] == [
        ("practice", world.practice.id),
        ("practice", second.id),
    ]
    assert [f.reporter_id for f in page.items[0].flags] == [
        world.reporters[0].id,
        world.reporters[2].id,
    ]
    assert page.items[0].reporter_count == 2
    services.dismiss(world.coordinator, "practice", world.practice.id, "")
    assert [i.id for i in services.queue_page(1, 20).items] == [second.id]


def test_queue_pages_are_clamped(world):
    services.flag(world.reporters[0], "practice", world.practice.id, "spam", "")
    assert services.queue_page(10**9, 20).page == 1
    assert services.queue_page(-5, 20).page == 1
    assert len(services.queue_page(-5, 20).items) == 1
