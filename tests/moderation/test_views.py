"""Moderation through the pages: reporting, the queue and its decisions as people see them on the
discussion pages, locks and slow mode, suspensions, the log, the navigation count, and payloads
in reports and reasons rendered as text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from lab.auth.models import User
from lab.core.errors import DomainError, PermissionDeniedError
from lab.core.types import utcnow
from lab.discussion import services as discussion
from lab.discussion.models import Comment, Thread, Topic
from lab.extensions import db
from lab.moderation import services
from lab.moderation.models import Flag, ModerationLogEntry
from tests.discussion.world import comment, make_topic
from tests.factories import make_practice, make_user, sign_in

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _comment(comment_id: int) -> Comment:
    found = db.session.scalar(
        select(Comment)
        .where(Comment.id == comment_id)
        .execution_options(include_hidden=True, include_deleted=True, populate_existing=True)
    )
    assert found is not None
    return found


@pytest.fixture
def talk(world):
    """A topic by a young stakeholder with a comment by the delegate."""
    opener = make_user("young_stakeholder", display_name="Yara Young")
    topic = make_topic(opener, title="Financing former convents")
    thread = db.session.get(Thread, topic.thread_id)
    remark = comment(world.author, thread, "Buy my cheap watches at example.com")
    return topic, thread, remark, opener


def _topic_url(topic: Topic) -> str:
    return discussion.topic_path(topic)


# Reporting


def test_a_signed_in_person_reports_a_comment_from_its_thread(app, world, talk):
    topic, _thread, remark, opener = talk
    client = _client(app, opener)
    page = client.get(_topic_url(topic)).get_data(as_text=True)
    flag_url = f"/moderation/flag/comment/{remark.id}"
    assert flag_url in page

    form = client.get(flag_url)
    assert form.status_code == 200
    assert "Buy my cheap watches" in form.get_data(as_text=True)
    response = client.post(flag_url, data={"reason": "spam", "text": ""})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/comments/{remark.id}")
    [flag] = db.session.scalars(select(Flag)).all()
    assert (flag.target_kind, flag.target_id, flag.reporter_id) == ("comment", remark.id, opener.id)

    again = client.get(flag_url)
    assert "already reported" in again.get_data(as_text=True)
    refused = client.post(flag_url, data={"reason": "offensive", "text": ""})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(Flag.id))) == 1


def test_other_without_words_is_refused_with_the_form(app, world, talk):
    _topic, _thread, remark, opener = talk
    client = _client(app, opener)
    response = client.post(
        f"/moderation/flag/comment/{remark.id}", data={"reason": "other", "text": "  "}
    )
    assert response.status_code == 400
    assert "needs a few words" in response.get_data(as_text=True)
    no_reason = client.post(f"/moderation/flag/comment/{remark.id}", data={"text": "x"})
    assert no_reason.status_code == 400
    assert "Choose a reason" in no_reason.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_hidden_and_deleted_comments_cannot_be_reported(app, world, talk):
    _topic, thread, remark, opener = talk
    services.hide(world.coordinator, "comment", remark.id, "Advertising")
    gone = comment(world.reporters[0], thread, "Oops")
    discussion.delete_comment(world.reporters[0], gone)
    client = _client(app, opener)
    hidden = client.post(f"/moderation/flag/comment/{remark.id}", data={"reason": "spam"})
    assert hidden.status_code == 400
    assert "already hidden" in hidden.get_data(as_text=True)
    deleted = client.post(f"/moderation/flag/comment/{gone.id}", data={"reason": "spam"})
    assert deleted.status_code == 400
    assert "was deleted" in deleted.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_comments_of_a_draft_practice_cannot_be_reported_by_outsiders(app, world):
    draft = make_practice(world.author, status="draft")
    remark = discussion.comment_on(
        world.author, "practice", draft.id, "Draft notes", parent_id=None, submission_key="k" * 20
    )
    client = _client(app, world.reporters[0])
    assert client.get(f"/moderation/flag/comment/{remark.id}").status_code == 404
    assert (
        client.post(f"/moderation/flag/comment/{remark.id}", data={"reason": "spam"}).status_code
        == 404
    )
    assert client.get("/moderation/flag/nonsense/1").status_code == 404
    assert client.get("/moderation/flag/comment/999999").status_code == 404


def test_a_suspended_person_cannot_report(app, world, talk):
    _topic, _thread, remark, opener = talk
    client = _client(app, opener)
    opener.suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    assert client.get(f"/moderation/flag/comment/{remark.id}").status_code == 403
    response = client.post(f"/moderation/flag/comment/{remark.id}", data={"reason": "spam"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_practice_pages_offer_the_report_link_to_people_who_may_write(app, world):
    url = f"/practices/{world.practice.id}-{world.practice.slug}"
    link = f"/moderation/flag/practice/{world.practice.id}"
    assert link not in app.test_client().get(url).get_data(as_text=True)
    assert link in _client(app, world.reporters[0]).get(url).get_data(as_text=True)


# Hiding as people see it


def test_three_reporters_hide_a_comment_and_everyone_sees_the_right_thing(app, world, talk):
    topic, _thread, remark, opener = talk
    for reporter in world.reporters:
        _client(app, reporter).post(
            f"/moderation/flag/comment/{remark.id}", data={"reason": "spam"}
        )
    assert _comment(remark.id).is_hidden

    others = _client(app, opener).get(_topic_url(topic)).get_data(as_text=True)
    assert "Hidden by a moderator" in others
    assert "cheap watches" not in others
    own = _client(app, world.author).get(_topic_url(topic)).get_data(as_text=True)
    assert "cheap watches" in own
    assert "Hidden automatically after reports from 3 people" in own


def test_a_coordinator_hides_from_the_queue_and_the_author_sees_the_reason(app, world, talk):
    topic, _thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "spam", "")
    coordinator = _client(app, world.coordinator)
    queue = coordinator.get("/moderation")
    assert queue.status_code == 200
    text = queue.get_data(as_text=True)
    assert "cheap watches" in text and "Yara Young" in text and "Spam or advertising" in text

    response = coordinator.post(
        f"/moderation/items/comment/{remark.id}/hide",
        data={"reason": "Advertising is not allowed", "next": "/moderation"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/moderation")
    assert _comment(remark.id).hidden_reason == "Advertising is not allowed"
    assert "Nothing waits for review" in coordinator.get("/moderation").get_data(as_text=True)

    others = app.test_client().get(_topic_url(topic)).get_data(as_text=True)
    assert "Hidden by a moderator" in others and "cheap watches" not in others
    own = _client(app, world.author).get(_topic_url(topic)).get_data(as_text=True)
    assert "Advertising is not allowed" in own and "cheap watches" in own
    # Search no longer finds the hidden comment.
    results = app.test_client().get("/search?q=watches").get_data(as_text=True)
    assert "cheap watches" not in results.lower().replace("<mark>", "").replace("</mark>", "")


def test_restore_and_dismiss_from_the_pages_resolve_the_flags(app, world, talk):
    _topic, thread, remark, opener = talk
    for reporter in world.reporters:
        services.flag(reporter, "comment", remark.id, "spam", "")
    other = comment(opener, thread, "A fair remark")
    services.flag(world.reporters[0], "comment", other.id, "off_topic", "")
    coordinator = _client(app, world.coordinator)
    assert (
        coordinator.post(f"/moderation/items/comment/{remark.id}/restore", data={}).status_code
        == 303
    )
    assert not _comment(remark.id).is_hidden
    assert (
        coordinator.post(f"/moderation/items/comment/{other.id}/dismiss", data={}).status_code
        == 303
    )
    resolutions = sorted(f.resolution for f in db.session.scalars(select(Flag)))
    assert resolutions == ["dismissed", "restored", "restored", "restored"]
    assert services.queue_count() == 0


def test_hiding_without_a_reason_answers_400_and_changes_nothing(app, world, talk):
    _topic, _thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "spam", "")
    response = _client(app, world.coordinator).post(
        f"/moderation/items/comment/{remark.id}/hide", data={"reason": "  "}
    )
    assert response.status_code == 400
    assert "the author will see it" in response.get_data(as_text=True)
    assert not _comment(remark.id).is_hidden
    assert db.session.scalar(select(func.count(ModerationLogEntry.id))) == 0


def test_admins_and_delegates_do_not_moderate(app, world, talk):
    _topic, _thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "spam", "")
    for user in (world.admin, world.author):
        client = _client(app, user)
        assert client.get("/moderation").status_code == 403
        assert client.get("/moderation/log").status_code == 403
        response = client.post(f"/moderation/items/comment/{remark.id}/hide", data={"reason": "x"})
        assert response.status_code == 403
    assert not _comment(remark.id).is_hidden


# Threads


def test_a_locked_thread_refuses_new_comments(app, world, talk):
    topic, thread, _remark, opener = talk
    coordinator = _client(app, world.coordinator)
    response = coordinator.post(
        f"/moderation/threads/{thread.id}/lock",
        data={"locked": "1", "reason": "Heated", "next": _topic_url(topic)},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_topic_url(topic))
    db.session.refresh(thread)
    assert thread.is_locked
    with pytest.raises(PermissionDeniedError, match="locked"):
        comment(opener, thread, "Still here")
    coordinator.post(f"/moderation/threads/{thread.id}/lock", data={"locked": "0"})
    db.session.refresh(thread)
    assert not thread.is_locked
    comment(opener, thread, "Back again")


def test_locking_without_a_reason_is_refused_with_the_form(app, world, talk):
    _topic, thread, _remark, _opener = talk
    response = _client(app, world.coordinator).post(
        f"/moderation/threads/{thread.id}/lock", data={"locked": "1", "reason": ""}
    )
    assert response.status_code == 400
    assert "Give a reason" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert not thread.is_locked


def test_slow_mode_refuses_early_comments(app, world, talk):
    _topic, thread, _remark, opener = talk
    response = _client(app, world.coordinator).post(
        f"/moderation/threads/{thread.id}/slow-mode", data={"seconds": "300", "reason": "Busy"}
    )
    assert response.status_code == 303
    db.session.refresh(thread)
    assert thread.slow_mode_seconds == 300
    comment(opener, thread, "First")
    with pytest.raises(DomainError, match="Slow mode"):
        comment(opener, thread, "Second, too soon")
    comment(world.reporters[0], thread, "Someone else may post")
    bad = _client(app, world.coordinator).post(
        f"/moderation/threads/{thread.id}/slow-mode", data={"seconds": "7", "reason": "x"}
    )
    assert bad.status_code == 400


def test_an_unsafe_next_is_ignored(app, world, talk):
    _topic, thread, _remark, _opener = talk
    response = _client(app, world.coordinator).post(
        f"/moderation/threads/{thread.id}/lock",
        data={"locked": "1", "reason": "Heated", "next": "//evil.example"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/moderation/threads/{thread.id}")


# Suspensions


def test_a_coordinator_suspends_an_author_from_the_queue(app, world, talk):
    _topic, _thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "offensive", "")
    coordinator = _client(app, world.coordinator)
    item = coordinator.get(f"/moderation/items/comment/{remark.id}").get_data(as_text=True)
    action = f"/moderation/items/comment/{remark.id}/authors/{world.author.id}/suspend"
    assert action in item
    until = (date.today() + timedelta(days=7)).isoformat()
    response = coordinator.post(action, data={"until": until, "reason": "Repeated spam"})
    assert response.status_code == 303
    author = db.session.get(User, world.author.id)
    db.session.refresh(author)
    assert author.is_suspended and author.suspension_reason == "Repeated spam"
    entry = db.session.scalar(
        select(ModerationLogEntry).where(ModerationLogEntry.action == "suspend")
    )
    assert entry is not None and entry.target_id == world.author.id


def test_a_suspension_in_the_past_or_of_a_bystander_is_refused(app, world, talk):
    _topic, _thread, remark, opener = talk
    coordinator = _client(app, world.coordinator)
    past = (date.today() - timedelta(days=1)).isoformat()
    action = f"/moderation/items/comment/{remark.id}/authors/{world.author.id}/suspend"
    response = coordinator.post(action, data={"until": past, "reason": "Spam"})
    assert response.status_code == 400
    assert "future" in response.get_data(as_text=True)
    bystander = f"/moderation/items/comment/{remark.id}/authors/{opener.id}/suspend"
    assert coordinator.post(bystander, data={"until": past, "reason": "x"}).status_code == 404
    assert not db.session.get(User, world.author.id).is_suspended
    assert not db.session.get(User, opener.id).is_suspended


# The log


def test_the_log_shows_who_what_when_why_and_filters(app, world, talk):
    _topic, thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "spam", "")
    services.hide(world.coordinator, "comment", remark.id, "Advertising")
    services.lock_thread(world.coordinator, thread, True, "Heated")
    client = _client(app, world.coordinator)
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "Advertising" in page and "Heated" in page and "Cora Coordinator" in page
    assert "Hidden" in page and "Thread locked" in page
    only_locks = client.get("/moderation/log?action=lock").get_data(as_text=True)
    assert "Heated" in only_locks and "Advertising" not in only_locks
    by_kind = client.get("/moderation/log?target_kind=comment").get_data(as_text=True)
    assert "Advertising" in by_kind and "Heated" not in by_kind
    assert client.get("/moderation/log?action=nonsense").status_code == 400
    assert client.get("/moderation/log?page=999999").status_code == 200


def test_nothing_in_the_app_changes_the_log(app):
    for rule in app.url_map.iter_rules():
        if "log" in rule.rule and rule.endpoint.startswith("moderation."):
            assert rule.methods is not None
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    writes = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.") and rule.methods and "POST" in rule.methods
    ]
    assert sorted(writes) == [
        "moderation.dismiss",
        "moderation.flag",
        "moderation.hide",
        "moderation.lock_thread",
        "moderation.restore",
        "moderation.slow_mode",
        "moderation.suspend",
    ]


# The navigation


def test_coordinators_see_how_many_items_wait(app, world, talk):
    _topic, _thread, remark, opener = talk
    services.flag(opener, "comment", remark.id, "spam", "")
    services.flag(opener, "practice", world.practice.id, "spam", "")
    assert "Moderation (2)" in _client(app, world.coordinator).get("/").get_data(as_text=True)
    for user in (world.admin, world.author, opener):
        assert "Moderation (" not in _client(app, user).get("/").get_data(as_text=True)
    assert "Moderation (" not in app.test_client().get("/").get_data(as_text=True)


def test_the_count_is_one_query_and_a_failing_database_leaves_it_out(
    app, world, count_queries, monkeypatch
):
    client = _client(app, world.coordinator)
    client.get("/cities/")
    with count_queries() as counted:
        client.get("/cities/")
    flag_counts = [s for s in counted.statements if "FROM flag" in s]
    assert len(flag_counts) == 1

    def down() -> int:
        raise OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(services, "queue_count", down)
    page = client.get("/cities/")
    assert page.status_code == 200
    assert "Moderation (" not in page.get_data(as_text=True)


# Output encoding


def test_payloads_in_reports_reasons_and_names_stay_text(app, world, talk):
    _topic, thread, remark, _opener = talk
    sneaky = make_user("young_stakeholder", display_name=XSS[:80])
    services.flag(sneaky, "comment", remark.id, "other", XSS)
    services.flag(world.reporters[0], "practice", world.practice.id, "other", XSS)
    services.hide(world.coordinator, "practice", world.practice.id, XSS)
    services.lock_thread(world.coordinator, thread, True, XSS)
    client = _client(app, world.coordinator)
    pages = {
        "queue": client.get("/moderation"),
        "item": client.get(f"/moderation/items/comment/{remark.id}"),
        "practice item": client.get(f"/moderation/items/practice/{world.practice.id}"),
        "log": client.get("/moderation/log"),
        "flag form": _client(app, world.reporters[1]).get(f"/moderation/flag/comment/{remark.id}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html, name
        assert "<img src=x" not in html, name
    assert "&lt;script&gt;" in pages["queue"].get_data(as_text=True)
    assert "&lt;script&gt;" in pages["log"].get_data(as_text=True)


# Queries


def _flag_many(world, n: int) -> None:
    """n reported items: comments, topics and practices, each with two reports."""
    writer = make_user("young_stakeholder")
    topic = make_topic(writer, title=f"Topic with {n}")
    thread = db.session.get(Thread, topic.thread_id)
    for i in range(n):
        kind = ("comment", "topic", "practice")[i % 3]
        if kind == "comment":
            target_id = comment(writer, thread, f"Remark {i}").id
        elif kind == "topic":
            target_id = make_topic(writer, title=f"Topic {i}").id
        else:
            target_id = make_practice(world.author, title=f"Practice {i}").id
        for reporter in world.reporters[:2]:
            db.session.add(
                Flag(target_kind=kind, target_id=target_id, reporter_id=reporter.id, reason="spam")
            )
    db.session.commit()


def test_the_queue_costs_the_same_queries_with_5_or_100_items(
    app, world, count_queries, monkeypatch
):
    monkeypatch.setattr("lab.moderation.views.QUEUE_PER_PAGE", 200)
    client = _client(app, world.coordinator)
    counts = []
    for n in (5, 95):
        _flag_many(world, n)
        client.get("/moderation")
        with count_queries() as counted:
            response = client.get("/moderation")
        assert response.status_code == 200
        counts.append(counted.n)
    assert services.queue_count() == 100
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts
