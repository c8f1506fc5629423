"""The notification pages, the bell, the follow buttons and the digest setting."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from lab.core.database import transaction
from lab.extensions import db
from lab.notifications import services
from lab.notifications.models import Notification
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.notifications.fakes import fake_targets


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _notify(user_id: int, target_id: int, kind: str = "comment", target_kind: str = "fake", **kw):
    with transaction():
        services.notify([user_id], kind, target_kind=target_kind, target_id=target_id, **kw)


def _bell(page: str) -> str:
    match = re.search(r'<a href="/notifications" class="notification-bell.*?</a>', page, re.S)
    assert match, "no bell in the header"
    return match.group(0)


def test_the_bell_shows_the_unread_count_to_signed_in_people_only(app, client):
    reader = make_user()
    assert "notification-bell" not in client.get("/").get_data(as_text=True)
    user_client = _signed_in(app, reader)
    assert "notification-bell__count" not in _bell(user_client.get("/").get_data(as_text=True))
    for target_id in (1, 2, 3):
        _notify(reader.id, target_id, actor_id=None)
    bell = _bell(user_client.get("/").get_data(as_text=True))
    assert '<span class="notification-bell__count" aria-hidden="true">3</span>' in bell
    assert "Notifications: 3 unread" in bell
    assert user_client.post("/notifications/read", data={}).status_code == 303
    assert "notification-bell__count" not in _bell(user_client.get("/").get_data(as_text=True))


def test_the_bell_caps_its_count(app):
    reader = make_user()
    with transaction():
        for target_id in range(120):
            services.notify(
                [reader.id], "comment", actor_id=None, target_kind="f", target_id=target_id
            )
    bell = _bell(_signed_in(app, reader).get("/").get_data(as_text=True))
    assert ">99+</span>" in bell and "more than 99 unread" in bell


def test_a_failing_count_leaves_the_page_without_a_count(app, monkeypatch):
    reader = make_user()
    _notify(reader.id, 1, actor_id=None)
    user_client = _signed_in(app, reader)

    def unavailable(_user_id, _target):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(services, "unread_count_and_following", unavailable)
    response = user_client.get("/")
    assert response.status_code == 200
    assert "notification-bell__count" not in _bell(response.get_data(as_text=True))


def test_the_page_lists_visible_notifications_newest_first_grouped_by_local_day(app):
    reader = make_user(time_zone="Pacific/Auckland")  # UTC+13 in March
    actor = make_user(display_name="Anna <b>Bold</b>")
    with fake_targets() as fake:
        fake.titles.update({1: "Older topic", 2: "Newer topic", 3: "Hidden topic"})
        for target_id in (1, 2, 3):
            _notify(reader.id, target_id, actor_id=actor.id)
        times = {
            1: datetime(2024, 3, 15, 10, 0, tzinfo=UTC),  # 23:00 on the 15th in Auckland
            2: datetime(2024, 3, 15, 12, 0, tzinfo=UTC),  # 01:00 on the 16th in Auckland
            3: datetime(2024, 3, 15, 13, 0, tzinfo=UTC),
        }
        for target_id, moment in times.items():
            db.session.execute(
                update(Notification)
                .where(Notification.target_id == target_id, Notification.user_id == reader.id)
                .values(created_at=moment)
            )
        db.session.commit()
        services.mark_read(reader.id, _id_of(reader.id, 1))
        fake.hidden_from.add((reader.id, 3))
        page = _signed_in(app, reader).get("/notifications").get_data(as_text=True)
    assert "Hidden topic" not in page
    assert page.index("Newer topic") < page.index("Older topic")
    assert page.index("March 16, 2024") < page.index("Newer topic") < page.index("March 15, 2024")
    assert "Anna &lt;b&gt;Bold&lt;/b&gt; commented on something you follow" in page
    # The unread one opens through a POST that marks it read; the read one is a plain link.
    newer = page[page.index("Newer topic") - 800 : page.index("Newer topic")]
    assert "Unread" in newer and f"/notifications/{_id_of(reader.id, 2)}/read" in newer
    assert '<a href="/fake/1" class="notification__title">Older topic</a>' in page


def _id_of(user_id: int, target_id: int) -> int:
    return next(
        n.id
        for n in db.session.scalars(services.notifications_query(user_id))
        if n.target_id == target_id
    )


def test_opening_a_notification_marks_it_read_and_follows_its_link(app):
    reader = make_user()
    with fake_targets() as fake:
        fake.titles.update({1: "Still here", 2: "Gone"})
        _notify(reader.id, 1, actor_id=None)
        _notify(reader.id, 2, actor_id=None)
        del fake.titles[2]
        user_client = _signed_in(app, reader)
        response = user_client.post(f"/notifications/{_id_of(reader.id, 1)}/read", data={})
        assert response.status_code == 303 and response.headers["Location"] == "/fake/1"
        response = user_client.post(f"/notifications/{_id_of(reader.id, 2)}/read", data={})
        assert response.status_code == 303 and response.headers["Location"] == "/notifications"
    assert services.unread_count(reader.id) == 0


def test_someone_elses_notification_looks_missing_and_stays_unread(app):
    owner, other = make_user(), make_user()
    _notify(owner.id, 1, actor_id=None)
    response = _signed_in(app, other).post(f"/notifications/{_id_of(owner.id, 1)}/read", data={})
    assert response.status_code == 404
    assert services.unread_count(owner.id) == 1


def test_the_page_costs_the_same_few_queries_with_5_or_100_notifications(app, count_queries):
    delegate = make_user("delegate")
    counts = []
    for n in (5, 100):
        reader = make_user()
        actors = [make_user(display_name=f"Actor {i}") for i in range(min(n, 20))]
        with transaction():
            for i in range(n):
                practice = make_practice(delegate, title=f"Practice number {i}")
                services.notify(
                    [reader.id],
                    "comment",
                    actor_id=actors[i % len(actors)].id,
                    target_kind="practice",
                    target_id=practice.id,
                )
                _notify(reader.id, i + 1, actor_id=None)  # a kind nobody registered: left out
        user_client = _signed_in(app, reader)
        user_client.get("/notifications")  # warm up
        with count_queries() as counted:
            response = user_client.get("/notifications")
        assert response.status_code == 200
        assert "Practice number" in response.get_data(as_text=True)
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    # user, unread count, page count, page, practices described, practices visible, actors
    assert counts[1] <= 7, counts


def test_following_a_practice_from_its_page(app, client):
    practice = make_practice()
    url = f"/practices/{practice.id}-{practice.slug}"
    assert "/follow" not in client.get(url).get_data(as_text=True)
    reader = make_user()
    user_client = _signed_in(app, reader)
    page = user_client.get(url).get_data(as_text=True)
    assert 'action="/follow"' in page
    response = user_client.post(
        "/follow", data={"kind": "practice", "target_id": practice.id, "next": url}
    )
    assert response.status_code == 303 and response.headers["Location"] == url
    assert services.is_following(reader.id, "practice", practice.id)
    page = user_client.get(url).get_data(as_text=True)
    assert 'action="/unfollow"' in page and 'action="/follow"' not in page
    response = user_client.post(
        "/unfollow", data={"kind": "practice", "target_id": practice.id, "next": "//evil.example"}
    )
    assert response.status_code == 303 and response.headers["Location"] == url
    assert not services.is_following(reader.id, "practice", practice.id)


def test_the_follow_state_comes_with_the_bells_count_in_one_query(app, count_queries):
    practice = make_practice()
    url = f"/practices/{practice.id}-{practice.slug}"
    reader = make_user()
    _notify(reader.id, 1, actor_id=None)
    user_client = _signed_in(app, reader)
    for following in (False, True):
        if following:
            services.follow(reader.id, "practice", practice.id)
        user_client.get(url)
        with count_queries() as counted:
            page = user_client.get(url).get_data(as_text=True)
        assert ('action="/unfollow"' in page) is following
        assert ('action="/follow"' in page) is not following
        assert ">1</span>" in _bell(page)
        about_notifications = [
            s for s in counted.statements if "FROM notification" in s or "FROM follow" in s
        ]
        assert len(about_notifications) == 1, about_notifications


def test_what_cannot_be_seen_or_followed_looks_missing(app):
    other_city = make_city()
    draft = make_practice(make_user("delegate", city=other_city), status="draft")
    reader = make_user()
    user_client = _signed_in(app, reader)
    for data in (
        {"kind": "practice", "target_id": draft.id},  # a draft of another city
        {"kind": "practice", "target_id": 999999},  # missing
        {"kind": "comment", "target_id": 1},  # not a kind one follows
        {"kind": "workspace", "target_id": 1},  # nobody registered workspaces yet
    ):
        assert user_client.post("/follow", data=data).status_code == 404, data
    assert not services.is_following(reader.id, "practice", draft.id)
    assert (
        user_client.post("/follow", data={"kind": "practice", "target_id": "x"}).status_code == 400
    )


def test_a_suspended_user_cannot_follow_but_can_unfollow_and_read(app):
    from datetime import timedelta

    from lab.core.types import utcnow

    practice = make_practice()
    reader = make_user()
    services.follow(reader.id, "practice", practice.id)
    user_client = _signed_in(app, reader)
    reader.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    data = {"kind": "practice", "target_id": practice.id}
    assert user_client.post("/follow", data=data).status_code == 403
    assert user_client.post("/unfollow", data=data).status_code == 303
    assert not services.is_following(reader.id, "practice", practice.id)
    assert user_client.post("/notifications/read", data={}).status_code == 303


def test_the_digest_setting_is_off_by_default_and_saved(app):
    reader = make_user()
    user_client = _signed_in(app, reader)
    page = user_client.get("/notifications/settings").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="is_enabled"[^>]*>', page)
    assert checkbox and "checked" not in checkbox.group(0)
    assert '<label for="is_enabled">' in page
    response = user_client.post("/notifications/settings", data={"is_enabled": "y"})
    assert response.status_code == 303
    assert services.is_digest_enabled(reader.id)
    page = user_client.get("/notifications/settings").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="is_enabled"[^>]*>', page).group(0)
    assert user_client.post("/notifications/settings", data={}).status_code == 303
    assert not services.is_digest_enabled(reader.id)


def test_the_unsubscribe_link_asks_first_and_only_a_post_turns_the_digest_off(app, client):
    reader = make_user()
    services.set_digest(reader.id, True)
    url = f"/notifications/unsubscribe/{services.unsubscribe_token(reader.id)}"
    page = client.get(url)
    assert page.status_code == 200
    assert f'action="{url}"' in page.get_data(as_text=True)
    assert services.is_digest_enabled(reader.id)  # the GET changed nothing
    response = client.post(url, data={})
    assert response.status_code == 303
    assert not services.is_digest_enabled(reader.id)
    assert "The daily digest is off" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={}, with_csrf=False).status_code == 400
    assert client.get("/notifications/unsubscribe/" + "x" * 64).status_code == 404
