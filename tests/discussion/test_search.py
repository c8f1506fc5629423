"""Topics and comments in the site search: found by a word with a snippet, never beyond what the
searcher may see (a draft practice's comments, hidden and deleted comments)."""

from __future__ import annotations

from lab.discussion import services
from lab.discussion.models import Thread
from lab.extensions import db
from lab.practices import services as practices
from lab.search.services import VISITOR, Viewer, search
from tests.discussion.world import comment, make_topic
from tests.factories import make_city, make_practice, make_user


def _found(word: str, viewer: Viewer = VISITOR) -> set[tuple[str, int]]:
    return {(hit.kind, hit.object_id) for hit in search(word, viewer).hits}


def test_a_word_finds_the_topic_and_the_comment_with_a_snippet():
    author = make_user()
    topic = make_topic(author, title="Financing the Agostiniani cloister", body="Who pays?")
    thread = db.session.get(Thread, topic.thread_id)
    said = comment(author, thread, "Crowdfunding worked for the Clarisse convent in Pavia.")
    assert ("topic", topic.id) in _found("Agostiniani")
    results = search("crowdfunding", VISITOR)
    hit = next(h for h in results.hits if h.kind == "comment")
    assert hit.object_id == said.id
    assert "<mark>Crowdfunding</mark>" in str(hit.snippet)
    assert hit.url == f"/comments/{said.id}"
    assert hit.title == "Financing the Agostiniani cloister"


def test_hidden_edited_and_deleted_comments_follow_in_the_index():
    author = make_user()
    thread = db.session.get(Thread, make_topic(author).thread_id)
    said = comment(author, thread, "zanzibar")
    services.edit_comment(author, said, "timbuktu")
    assert _found("zanzibar") == set() and ("comment", said.id) in _found("timbuktu")
    said.mark_hidden("spam")
    db.session.commit()
    services.visibility_changed("comment", said.id)
    assert _found("timbuktu") == set()
    said.mark_unhidden()
    db.session.commit()
    services.visibility_changed("comment", said.id)
    assert ("comment", said.id) in _found("timbuktu")
    services.delete_comment(author, said)
    assert _found("timbuktu") == set()


def test_a_draft_practices_comments_are_found_only_by_who_may_see_the_draft():
    city = make_city()
    delegate = make_user("delegate", city=city)
    draft = make_practice(delegate, status="draft")
    thread = services.thread_for("practice", draft.id)
    db.session.commit()
    said = comment(delegate, thread, "quokka budget")
    outsider = Viewer(city_id=make_city().id)
    assert _found("quokka") == set()
    assert _found("quokka", outsider) == set()
    assert ("comment", said.id) in _found("quokka", Viewer(city_id=city.id))
    assert ("comment", said.id) in _found("quokka", Viewer(is_staff=True))
    practices.change_status(delegate, draft, "published")
    assert ("comment", said.id) in _found("quokka")
    practices.change_status(delegate, draft, "draft")
    assert _found("quokka") == set()
    practices.delete_practice(delegate, draft)
    assert _found("quokka", Viewer(is_staff=True)) == set()
    practices.restore_practice(delegate, draft)
    assert ("comment", said.id) in _found("quokka", Viewer(city_id=city.id))


def test_reindexing_rebuilds_topics_and_comments():
    author = make_user()
    topic = make_topic(author, title="Wombat festival")
    said = comment(author, db.session.get(Thread, topic.thread_id), "wombat parade")
    assert services.reindex_topics() >= 1
    assert services.reindex_comments() >= 1
    db.session.commit()
    assert {("topic", topic.id), ("comment", said.id)} <= _found("wombat")
