"""A practice's history: revisions listed, any two compared word by word, one rendered from its
snapshot (never trusted as HTML), restore as a new revision; drafts' history stays private."""

from __future__ import annotations

import html as html_module
import re
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from lab.extensions import db
from lab.practices import history, services
from lab.practices.models import Practice, PracticeRevision
from tests.factories import make_city, make_practice, make_theme, make_user, sign_in
from tests.search.pages import parse, text_of


def _input(practice: Practice, **changes: Any) -> services.PracticeInput:
    state = services.snapshot(practice)
    state.pop("status")
    state.update(changes)
    return services.PracticeInput(**state)


def _edit(user: Any, practice: Practice, **changes: Any) -> Practice:
    return services.update_practice(user, practice, _input(practice, **changes), practice.version)


def _client(app: Any, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _inner(html: str, tag: str) -> list[str]:
    """The visible text inside each <tag> (the hidden "[removed: ...]" words left out)."""
    found = []
    for inner in re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S):
        inner = re.sub(r'<span class="visually-hidden">.*?</span>', "", inner)
        found.append(" ".join(re.sub(r"<[^>]+>", "", inner).split()))
    return found


@pytest.fixture
def story() -> dict[str, Any]:
    """A practice of Pavia saved three times by two delegates."""
    pavia = make_city(name="Pavia", slug="pavia")
    first = make_user("delegate", city=pavia, display_name="Anna Rossi")
    second = make_user("delegate", city=pavia, display_name="Marco Bianchi")
    practice = make_practice(
        first,
        status="draft",
        title="Convent cultural centre",
        solution="Young artists run the convent as a cultural centre.",
    )
    _edit(
        second,
        practice,
        solution="Young artists and a cooperative run the convent as a lively cultural centre.",
        summary="A convent reborn.",
    )
    services.change_status(first, practice, "published")
    return {"city": pavia, "first": first, "second": second, "practice": practice}


def test_the_history_lists_revisions_with_who_when_what_and_why(client, story):
    practice = story["practice"]
    response = client.get(f"/practices/{practice.id}/history")
    assert response.status_code == 200
    page = parse(response)
    rows = page.by_tag["tr"][1:]  # after the header row
    assert [re.search(r"\bRevision (\d+)", row).group(1) for row in rows] == ["3", "2", "1"]
    assert "Marco Bianchi" in rows[1] and "Anna Rossi" in rows[2]
    assert "Summary, The solution" in rows[1]
    assert "Status" in rows[0] and "Published" in rows[0]  # the status's label, not its code
    assert "First version" in rows[2]
    times = [attrs for tag, attrs in page.elements if tag == "time"]
    assert len(times) == 3
    checked = {
        (attrs.get("name"), attrs.get("value"))
        for tag, attrs in page.elements
        if tag == "input" and "checked" in attrs
    }
    assert checked == {("from", "2"), ("to", "3")}


def test_times_are_shown_in_the_viewers_zone(app, story):
    viewer = make_user("young_stakeholder", time_zone="Asia/Tokyo")
    client = _client(app, viewer)
    practice = story["practice"]
    revision = db.session.scalar(
        select(PracticeRevision).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == 1
        )
    )
    response = client.get(f"/practices/{practice.id}/history")
    assert "Asia/Tokyo" in text_of(response)
    tokyo_hour = revision.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    shown = parse(response).by_tag["time"]
    assert any(tokyo_hour.strftime("%-I:%M") in t for t in shown), shown


def test_comparing_two_revisions_marks_the_changed_words(client, story):
    practice = story["practice"]
    response = client.get(f"/practices/{practice.id}/history/compare?from=1&to=2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # (The first <del> and <ins> are the legend's examples.)
    assert _inner(html, "ins")[1:] == ["reborn", "and a cooperative", "lively"]
    assert _inner(html, "del")[1:] == ["former", "becomes a cultural centre run with young people"]
    headings = parse(response).by_tag["h2"]
    assert "Summary" in headings and "The solution" in headings
    assert "Title" not in headings  # unchanged fields are not listed
    # Readable without colour: the change is also said in words.
    assert "[added:" in html and "Removed text is struck through" in text_of(response)


def test_the_default_comparison_is_the_last_two_and_order_does_not_matter(client, story):
    practice = story["practice"]
    default = client.get(f"/practices/{practice.id}/history/compare")
    assert "Changes from revision 2 to revision 3" in text_of(default)
    assert "Status" in parse(default).by_tag["h2"]
    swapped = client.get(f"/practices/{practice.id}/history/compare?from=2&to=1")
    assert "Changes from revision 1 to revision 2" in text_of(swapped)
    junk = client.get(f"/practices/{practice.id}/history/compare?from=abc&to=")
    assert junk.status_code == 200


@pytest.mark.parametrize("query", ["from=1&to=99", "from=0&to=2", "from=-3&to=1", "to=7"])
def test_comparing_with_a_revision_that_does_not_exist_is_not_found(client, story, query):
    practice = story["practice"]
    response = client.get(f"/practices/{practice.id}/history/compare?{query}")
    assert response.status_code == 404


def test_list_fields_compare_by_name(client, story):
    practice = story["practice"]
    heritage = make_theme("Heritage")
    _edit(story["first"], practice, theme_ids=[heritage.id], tags=["convent", "youth"])
    response = client.get(f"/practices/{practice.id}/history/compare")
    html = response.get_data(as_text=True)
    assert "Heritage" in _inner(html, "ins")
    assert "convent, youth" in _inner(html, "ins")


def test_themes_in_a_new_order_are_no_change_but_authors_in_a_new_order_are():
    one, two = make_theme("One"), make_theme("Two")
    old = {"theme_ids": [one.id, two.id], "tags": ["a", "b"], "author_ids": [1, 2]}
    new = {"theme_ids": [two.id, one.id], "tags": ["b", "a"], "author_ids": [2, 1]}
    changes = history.compare(old, new, history.names_for([old, new]))
    assert [change.name for change in changes] == ["author_ids"]


def _side(diff: str, keep: str, drop: str) -> str:
    """The text of one side of a diff: the other side's marks dropped, markup removed."""
    diff = re.sub(r'<span class="visually-hidden">.*?</span>', "", diff)
    diff = re.sub(rf"<{drop}>.*?</{drop}>", "", diff, flags=re.S)
    return html_module.unescape(re.sub(rf"</?{keep}>", "", diff))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("plain <b>old</b> text", 'plain <script>x</script> "text'),
        ("line one\nline two\n", "line one\nline 2 & more\nline three"),
        ("", "<img src=x onerror=alert(1)>"),
        ("Città di Iași", "Citta di Iasi"),
    ],
)
def test_diffs_escape_the_text_they_mark_and_each_side_reads_back(old, new):
    diff = str(history.diff_text(old, new))
    assert "<script" not in diff and "<b>" not in diff and "<img" not in diff
    assert set(re.findall(r"</?([a-z]+)", diff)) <= {"del", "ins", "span"}
    assert _side(diff, "del", "ins") == old
    assert _side(diff, "ins", "del") == new


def test_a_line_level_diff_keeps_untouched_paragraphs_and_long_texts_stay_fast():
    old = "First paragraph stays.\n\nSecond paragraph old words.\n\nThird stays."
    new = "First paragraph stays.\n\nSecond paragraph new words.\n\nThird stays."
    diff = str(history.diff_text(old, new))
    assert diff.startswith("First paragraph stays.")
    assert "<del>" in diff and "old" in diff and "new" in diff
    started = time.perf_counter()
    a = " ".join(f"word{i}" for i in range(4000))
    b = " ".join(f"other{i}" for i in range(4000))
    history.diff_text(a, b)
    history.diff_text(a, a.replace("word17 ", "changed "))
    assert time.perf_counter() - started < 2


def test_one_revision_is_rendered_from_its_snapshot_never_trusted_as_html(client, story):
    practice = story["practice"]
    revision = db.session.scalar(
        select(PracticeRevision).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == 1
        )
    )
    # A snapshot is data: even if one held HTML, the page renders it through the sanitiser.
    revision.snapshot = {
        **revision.snapshot,
        "challenge": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
    }
    db.session.commit()
    response = client.get(f"/practices/{practice.id}/history/1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    links = [a.get("href") or "" for tag, a in parse(response).elements if tag == "a"]
    assert not [link for link in links if link.lower().startswith("javascript")]
    assert "Young artists run the convent as a cultural centre." in text_of(response)
    assert "Revision 1 of 3" in text_of(response)
    titles = [a for tag, a in parse(response).elements if tag == "h1"]
    assert titles[0].get("lang") == "en"


def test_an_editor_restores_an_old_revision_as_a_new_one(app, story):
    practice = story["practice"]
    client = _client(app, story["second"])
    page = client.get(f"/practices/{practice.id}/history/1")
    assert "Restore this revision" in text_of(page)
    response = client.post(
        f"/practices/{practice.id}/history/1/restore", data={"version": practice.version}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/practices/{practice.id}/history")
    db.session.expire_all()
    restored = db.session.get(Practice, practice.id)
    assert restored.solution == "Young artists run the convent as a cultural centre."
    numbers = db.session.scalars(
        select(PracticeRevision.number)
        .where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.number)
    ).all()
    assert list(numbers) == [1, 2, 3, 4]
    listing = client.get(f"/practices/{practice.id}/history")
    assert "Restored revision 1" in text_of(listing)
    assert "Revision 1 is restored as a new revision." in text_of(listing)


def test_a_stale_restore_is_refused_with_a_message_and_changes_nothing(app, story):
    practice = story["practice"]
    stale = practice.version
    _edit(story["first"], practice, title="Renamed meanwhile")
    client = _client(app, story["second"])
    response = client.post(f"/practices/{practice.id}/history/1/restore", data={"version": stale})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/practices/{practice.id}/history")
    listing = client.get(response.headers["Location"])
    assert "Someone else saved this practice" in text_of(listing)
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).title == "Renamed meanwhile"
    count = db.session.scalar(
        select(func.count(PracticeRevision.id)).where(PracticeRevision.practice_id == practice.id)
    )
    assert count == 4


def test_restoring_needs_the_version_and_the_right_to_edit(app, story):
    practice = story["practice"]
    before = db.session.scalar(select(func.count(PracticeRevision.id)))
    editor = _client(app, story["first"])
    missing = editor.post(f"/practices/{practice.id}/history/1/restore", data={})
    assert missing.status_code == 400
    assert "reload the page" in text_of(missing)
    junk = editor.post(f"/practices/{practice.id}/history/1/restore", data={"version": "x"})
    assert junk.status_code == 400
    no_csrf = editor.post(
        f"/practices/{practice.id}/history/1/restore",
        data={"version": practice.version},
        with_csrf=False,
    )
    assert no_csrf.status_code == 400
    gone = editor.post(
        f"/practices/{practice.id}/history/99/restore", data={"version": practice.version}
    )
    assert gone.status_code == 404
    outsider = _client(app, make_user("delegate"))
    assert (
        outsider.post(
            f"/practices/{practice.id}/history/1/restore", data={"version": practice.version}
        ).status_code
        == 403
    )
    assert "Restore this revision" not in text_of(
        outsider.get(f"/practices/{practice.id}/history/1")
    )
    visitor = app.test_client()
    response = visitor.post(
        f"/practices/{practice.id}/history/1/restore", data={"version": practice.version}
    )
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert db.session.scalar(select(func.count(PracticeRevision.id))) == before


def _history_paths(practice: Practice) -> list[str]:
    return [
        f"/practices/{practice.id}/history",
        f"/practices/{practice.id}/history/compare",
        f"/practices/{practice.id}/history/1",
    ]


def test_a_drafts_history_is_not_found_for_outsiders(app):
    pavia = make_city(name="Pavia")
    author = make_user("delegate", city=pavia)
    draft = make_practice(author, status="draft", title="Secret plan")
    _edit(author, draft, title="Secret plan, second try")
    outsiders = [None, make_user("young_stakeholder"), make_user("delegate")]
    insiders = [author, make_user("delegate", city=pavia), make_user("coordinator")]
    missing = app.test_client().get("/practices/999999/history")
    assert missing.status_code == 404
    for user in outsiders:
        client = _client(app, user)
        for path in _history_paths(draft):
            response = client.get(path)
            assert response.status_code == 404, (user, path)
            assert "Secret" not in response.get_data(as_text=True)
        response = client.post(
            f"/practices/{draft.id}/history/1/restore", data={"version": draft.version}
        )
        assert response.status_code in (302, 404)
    for user in insiders:
        client = _client(app, user)
        for path in _history_paths(draft):
            assert client.get(path).status_code == 200, (user, path)


def test_a_deleted_practices_history_is_for_its_editors_only(app, story):
    practice = story["practice"]
    services.delete_practice(story["first"], practice)
    for user in (None, make_user("delegate"), make_user("young_stakeholder")):
        for path in _history_paths(practice):
            assert _client(app, user).get(path).status_code == 404
    editor = _client(app, story["second"])
    response = editor.get(f"/practices/{practice.id}/history")
    assert response.status_code == 200
    assert "This practice is deleted" in text_of(response)


def test_history_pages_run_the_same_queries_for_3_or_60_revisions(app, count_queries):
    author = make_user("delegate")
    practice = make_practice(author, title="Revised often")
    client = _client(app, make_user("coordinator"))
    paths = [*_history_paths(practice)]

    def counts() -> list[int]:
        result = []
        for path in paths:
            client.get(path)
            with count_queries() as counted:
                assert client.get(path).status_code == 200
            result.append(counted.n)
        return result

    _edit(author, practice, summary="Second summary.")
    few = counts()
    for n in range(58):
        _edit(author, practice, summary=f"Summary number {n}.", tags=[f"tag{n}"])
    many = counts()
    assert few == many
    assert max(many) <= 10


def test_revision_notes_are_worded_in_the_readers_language(client):
    practice = make_practice(status="draft")
    stored = db.session.scalar(
        select(PracticeRevision.note).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == 1
        )
    )
    assert stored == "created"  # a code, not English text
    with client.application.test_request_context(headers={"Cookie": "lab_lang=it"}):
        revision = db.session.scalar(
            select(PracticeRevision).where(PracticeRevision.practice_id == practice.id)
        )
        assert history.note_text(revision) == "Creata"
