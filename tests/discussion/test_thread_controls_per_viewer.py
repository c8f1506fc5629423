"""The controls under each comment of a thread, by viewer: the author edits and deletes their
own comments only, writers may reply to and report any comment, coordinators see earlier
versions; names in labels are escaped. (The thread works these out once per page.)"""

from __future__ import annotations

import re

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
