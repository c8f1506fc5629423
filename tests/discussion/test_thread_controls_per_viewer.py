"""The controls under each comment of a thread, by viewer: the author edits and deletes their
own comments only, writers may reply to and report any comment, coordinators see earlier
versions; names in labels are escaped. (The thread works these out once per page.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from lab.discussion import services
from lab.discussion.models import Thread
from lab.extensions import db
from tests.discussion.world import comment, make_topic
from tests.factories import make_user, sign_in

_ITEM = re.compile(r'<li class="comment [^"]*" id="comment-(\d+)">(.*?)</article>', re.S)


def _cards(app, user, topic) -> dict[int, str]:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    page = client.get(services.topic_path(topic)).get_data(as_text=True)
    return {int(found): card for found, card in _ITEM.findall(page)}


def test_each_viewer_sees_the_controls_that_are_theirs(app):
    author = make_user(display_name="Ada <b>&</b> Co")
    other = make_user(display_name="Bruno")
    topic = make_topic(author)
    thread = db.session.get(Thread, topic.thread_id)
    mine = comment(author, thread, "mine")
    theirs = comment(other, thread, "theirs", parent=mine)
    services.edit_comment(author, mine, "mine, edited")

    cards = _cards(app, author, topic)
    assert f'href="/comments/{mine.id}/edit"' in cards[mine.id]
    assert f'action="/comments/{mine.id}/delete"' in cards[mine.id]
    assert f'href="/comments/{theirs.id}/edit"' not in cards[theirs.id]
    assert "/delete" not in cards[theirs.id]
    assert f'data-reply-action="/comments/{theirs.id}/replies"' in cards[theirs.id]
    assert 'data-reply-label="Your reply to Bruno"' in cards[theirs.id]
    assert f'href="/moderation/flag/comment/{theirs.id}"' in cards[theirs.id]
    assert "Earlier versions" not in cards[mine.id]
    assert 'aria-label="Comment by Ada &lt;b&gt;&amp;&lt;/b&gt; Co"' in cards[mine.id]
    assert f'href="/comments/{mine.id}" title="Permanent link to this comment"' in cards[mine.id]

    cards = _cards(app, make_user("coordinator"), topic)
    assert f'href="/comments/{mine.id}/versions"' in cards[mine.id]
    assert "/versions" not in cards[theirs.id]
    assert "/edit" not in cards[mine.id]

    cards = _cards(app, None, topic)
    assert f'href="/users/{author.id}"' in cards[mine.id]
    for card in cards.values():
        assert "/edit" not in card and "/delete" not in card and "/moderation/flag" not in card
        assert "data-reply-action" not in card


def test_comment_times_read_as_elsewhere_in_the_viewers_language_and_time_zone(app):
    """The thread writes times once per page its own way: the same words as the
    ``datetimeformat`` filter, in the viewer's time zone (here past midnight) and language."""
    author = make_user(display_name="Ada")
    viewer = make_user(time_zone="Europe/Rome")
    topic = make_topic(author)
    thread = db.session.get(Thread, topic.thread_id)
    said = comment(author, thread, "late")
    said.created_at = datetime(2026, 6, 3, 22, 30, 5, tzinfo=UTC)
    db.session.flush()
    client = app.test_client()
    sign_in(client, viewer)
    client.set_cookie(app.config["LANGUAGE_COOKIE"], "it")
    page = client.get(services.topic_path(topic)).get_data(as_text=True)
    shown = re.search(r'<time datetime="2026-06-03T22:30:05\+00:00">([^<]+)</time>', page)
    expected = babel_dates.format_datetime(
        said.created_at, "medium", tzinfo=ZoneInfo("Europe/Rome"), locale="it"
    )
    assert shown is not None and shown.group(1) == expected
    assert "4 giu 2026" in expected or "04 giu 2026" in expected
