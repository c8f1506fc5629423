"""Practice pages: reading, writing, editing with optimistic locking, status, validation,
deletion; who sees what; output encoding; a constant number of queries."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import func, select

from lab.auth.models import User
from lab.extensions import db
from lab.practices import services
from lab.practices.models import Attachment, Practice, PracticeAuthor, Tag
from lab.storage.models import StoredFile
from lab.taxonomy.models import Theme
from tests.factories import make_city, make_practice, make_theme, make_user, sign_in


def _signed_in(app: Any, user: Any) -> Any:
    client = app.test_client()
    sign_in(client, user)
    return client


def _url(practice: Practice) -> str:
    return f"/practices/{practice.id}-{practice.slug}"


def _hidden(page: str, name: str) -> str:
    """The value of a hidden field of the form on the page."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"no {name} field in the form"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert value
    return value.group(1)


def _version_in(page: str) -> int:
    return int(_hidden(page, "version"))


def _form(practice: Practice | None = None, **changes: Any) -> dict[str, Any]:
    """Every field of the practice form, as a browser posts it."""
    data: dict[str, Any] = {
        "title": "Orti urbani in the convent garden",
        "summary": "Young gardeners reuse the cloister of a former convent.",
        "language": "en",
        "language_other": "",
        "period_start": "",
        "period_end": "",
        "challenge": "The cloister was **empty**.",
        "solution": "A cooperative runs a garden.",
        "stakeholders": "",
        "resources": "",
        "results": "",
        "transferability": "",
        "lessons": "",
        "asset_type": "",
        "protection_status": "",
        "reuse_type": "",
        "business_model": "",
        "financing_model": "",
        "governance_model": "",
        "tags": "",
        "cover_alt": "",
        "version": "",
    }
    if practice is not None:
        state = services.snapshot(practice)
        for name in data:
            if name in state and state[name] is not None and not isinstance(state[name], list):
                data[name] = state[name]
        data["tags"] = ", ".join(state["tags"])
        data["version"] = str(practice.version)
        for key in ("asset_type", "protection_status", "reuse_type", "business_model",
                    "financing_model", "governance_model"):  # fmt: skip
            data[key] = data[key] or ""
    data.update(changes)
    return data


def _reload(practice_id: int) -> Practice:
    db.session.expire_all()
    found = services.load_practice(practice_id, include_deleted=True)
    assert found is not None
    return found


# Reading


def test_the_page_reads_well_summary_city_authors_facets_sections_in_order(client):
    city = make_city(name="Pavia")
    author = make_user("delegate", city=city, display_name="Giulia Rossi")
    theme = make_theme("Circular business models")
    practice = make_practice(
        author,
        title="Orti urbani nel chiostro",
        summary="Giovani giardinieri riusano il chiostro di un ex convento.",
        language="it",
        period_start=date(2021, 3, 1),
        is_ongoing=True,
        challenge="Il chiostro era **vuoto**.",
        solution="Una cooperativa gestisce un orto.",
        lessons="Servono *tempi lunghi*.",
        asset_type="religious_building",
        reuse_type="community_centre",
        theme_ids=[theme.id],
        tags=["Orti", "giovani"],
    )
    page = client.get(_url(practice)).get_data(as_text=True)
    assert '<h1 id="practice-title" lang="it">Orti urbani nel chiostro</h1>' in page
    assert "Giovani giardinieri riusano il chiostro" in page
    assert f'href="/cities/{city.slug}"' in page
    assert f'<a href="/users/{author.id}">Giulia Rossi</a>' in page
    assert "ongoing" in page and "Published" in page
    assert "Religious building (convent, church...)" in page and "Community centre" in page
    assert "Circular business models" in page and ">orti<" in page and ">giovani<" in page
    # The stored HTML, inside an element carrying the practice's language, sections in order.
    assert '<div class="prose" lang="it"><p>Il chiostro era <strong>vuoto</strong>.</p>' in page
    positions = [page.index(heading) for heading in
                 ("The challenge", "The solution", "Lessons learned")]  # fmt: skip
    assert positions == sorted(positions)
    assert "Stakeholders involved" not in page  # an empty section is left out for readers
    assert f'href="/practices/{practice.id}/history"' in page
    # A reader sees no controls.
    assert "/edit" not in page and "/status" not in page and "/delete" not in page


def test_a_wrong_or_missing_slug_redirects_permanently_to_the_stable_address(client):
    practice = make_practice(title="Extreme Park plan")
    for wrong in (f"/practices/{practice.id}-old-title", f"/practices/{practice.id}"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"] == _url(practice)
    assert client.get(_url(practice)).status_code == 200


def test_drafts_and_deleted_practices_look_missing_to_those_who_may_not_see_them(app, client):
    city = make_city()
    author = make_user("delegate", city=city)
    draft = make_practice(author, status="draft")
    deleted = make_practice(author)
    services.delete_practice(author, deleted)
    missing = client.get("/practices/999999-nothing")
    assert missing.status_code == 404
    outsider = _signed_in(app, make_user("delegate"))
    young = _signed_in(app, make_user("young_stakeholder", city=city))
    for viewer in (client, outsider, young):
        for practice in (draft, deleted):
            response = viewer.get(_url(practice))
            assert response.status_code == 404
            assert response.get_data(as_text=True).count("Page not found") == missing.get_data(
                as_text=True
            ).count("Page not found")
    colleague = _signed_in(app, make_user("delegate", city=city))
    coordinator = _signed_in(app, make_user("coordinator"))
    for viewer in (colleague, coordinator):
        assert "This is a draft" in viewer.get(_url(draft)).get_data(as_text=True)
        page = viewer.get(_url(deleted)).get_data(as_text=True)
        assert "This practice was deleted" in page and f"/practices/{deleted.id}/restore" in page


def test_the_validated_badge_names_who_validated_and_when(client):
    coordinator = make_user("coordinator", display_name="Ada Coordinator")
    practice = make_practice()
    services.set_validated(coordinator, practice, True)
    page = client.get(_url(practice)).get_data(as_text=True)
    assert "Validated by Ada Coordinator on" in page


def test_controls_appear_only_for_who_may_use_them(app):
    city = make_city()
    practice = make_practice(make_user("delegate", city=city))
    editor = _signed_in(app, make_user("delegate", city=city))
    page = editor.get(_url(practice)).get_data(as_text=True)
    assert f'href="/practices/{practice.id}/edit"' in page
    assert f'action="/practices/{practice.id}/status"' in page
    assert f'action="/practices/{practice.id}/delete"' in page and "data-confirm" in page
    assert f'action="/practices/{practice.id}/validate"' not in page
    assert f'action="/practices/{practice.id}/attachments"' in page
    coordinator = _signed_in(app, make_user("coordinator"))
    page = coordinator.get(_url(practice)).get_data(as_text=True)
    assert f'action="/practices/{practice.id}/validate"' in page
    for outsider in (make_user("delegate"), make_user("young_stakeholder"), make_user("admin")):
        page = _signed_in(app, outsider).get(_url(practice)).get_data(as_text=True)
        assert f'action="/practices/{practice.id}/validate"' not in page
        if outsider.role != "admin":
            assert f'href="/practices/{practice.id}/edit"' not in page
            assert f'action="/practices/{practice.id}/status"' not in page


# Writing


def test_a_delegate_writes_a_draft_for_their_own_city(app):
    city = make_city()
    delegate = make_user("delegate", city=city)
    theme = make_theme("Financing")
    client = _signed_in(app, delegate)
    form_page = client.get("/practices/new").get_data(as_text=True)
    assert 'name="city_id"' not in form_page  # a delegate does not choose the city
    assert "Markdown" in form_page and "20,000" in form_page
    response = client.post(
        "/practices/new",
        data=_form(theme_ids=[str(theme.id)], tags="Garden, youth", asset_type="religious_building",
                   language="other", language_other="pt-br"),
    )  # fmt: skip
    assert response.status_code == 303
    practice = db.session.scalar(select(Practice).order_by(Practice.id.desc()))
    assert practice is not None
    assert response.headers["Location"] == _url(practice)
    assert (practice.city_id, practice.status, practice.language) == (city.id, "draft", "pt-BR")
    assert [t.name for t in practice.tags] == ["garden", "youth"]
    assert [t.id for t in practice.themes] == [theme.id]
    assert [a.user_id for a in practice.authors] == [delegate.id]


def test_staff_choose_the_city_and_bad_input_is_refused_with_a_message(app):
    city = make_city(name="Coimbra")
    client = _signed_in(app, make_user("coordinator"))
    page = client.get("/practices/new").get_data(as_text=True)
    assert 'name="city_id"' in page and "Coimbra" in page
    before = db.session.scalar(select(func.count()).select_from(Practice))
    for bad, message in (
        ({"city_id": ""}, "Choose the city the practice belongs to."),
        ({"city_id": str(city.id), "title": ""}, "This field is required."),
        ({"city_id": str(city.id), "asset_type": "castle"}, "Not a valid choice"),
        ({"city_id": str(city.id), "language": "other", "language_other": "xx-nope"},
         "Choose the language the practice is written in."),
        ({"city_id": str(city.id), "challenge": "x" * (services.SECTION_MAX + 1)},
         "Each section is limited to"),
        ({"city_id": str(city.id), "period_start": "2022-05-01", "period_end": "2021-01-01"},
         "The end of the period comes before its start."),
    ):  # fmt: skip
        response = client.post("/practices/new", data=_form(**bad))
        assert response.status_code == 400, bad
        assert message in response.get_data(as_text=True), bad
    assert db.session.scalar(select(func.count()).select_from(Practice)) == before
    response = client.post("/practices/new", data=_form(city_id=str(city.id)))
    assert response.status_code == 303


def test_who_may_write_new_practices(app, client):
    assert client.get("/practices/new").status_code == 302
    assert _signed_in(app, make_user("young_stakeholder")).get("/practices/new").status_code == 403
    young = _signed_in(app, make_user("young_stakeholder"))
    before = db.session.scalar(select(func.count()).select_from(Practice))
    assert young.post("/practices/new", data=_form()).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Practice)) == before


# Editing


def test_drafts_edit_form_is_missing_for_visitors_and_other_cities(app, client):
    city = make_city()
    draft = make_practice(make_user("delegate", city=city), status="draft")
    assert client.get(f"/practices/{draft.id}/edit").status_code == 404
    outsider = _signed_in(app, make_user("delegate"))
    assert outsider.get(f"/practices/{draft.id}/edit").status_code == 404
    assert outsider.post(f"/practices/{draft.id}/edit", data=_form(draft)).status_code == 404
    colleague = _signed_in(app, make_user("delegate", city=city))
    assert colleague.get(f"/practices/{draft.id}/edit").status_code == 200


def test_a_delegate_of_another_city_may_not_edit_and_nothing_changes(app):
    practice = make_practice(title="Community centres on Oxford's model")
    outsider = _signed_in(app, make_user("delegate"))
    assert outsider.get(f"/practices/{practice.id}/edit").status_code == 403
    response = outsider.post(f"/practices/{practice.id}/edit", data=_form(practice, title="Mine"))
    assert response.status_code == 403
    for path, data in (
        ("status", {"status": "archived"}),
        ("delete", {}),
        ("attachments", {"title": "x"}),
    ):
        assert outsider.post(f"/practices/{practice.id}/{path}", data=data).status_code == 403
    after = _reload(practice.id)
    assert (after.title, after.status, after.deleted_at) == (
        "Community centres on Oxford's model",
        "published",
        None,
    )


def test_posting_protected_fields_changes_none_of_them(app):
    city, other = make_city(), make_city()
    delegate = make_user("delegate", city=city)
    stranger = make_user("admin")
    practice = make_practice(delegate, status="draft")
    created_by = practice.created_by_id
    client = _signed_in(app, delegate)
    response = client.post(
        f"/practices/{practice.id}/edit",
        data=_form(
            practice,
            title="Renamed",
            city_id=str(other.id),
            status="published",
            validated_at="2024-01-01T00:00:00",
            validated_by_id=str(stranger.id),
            created_by_id=str(stranger.id),
            published_at="2024-01-01T00:00:00",
        ),
    )
    assert response.status_code == 303
    after = _reload(practice.id)
    assert after.title == "Renamed"
    assert (after.city_id, after.status, after.validated_at, after.validated_by_id) == (
        city.id,
        "draft",
        None,
        None,
    )
    assert (after.created_by_id, after.published_at) == (created_by, None)


def test_two_people_edit_and_the_second_is_told_with_their_text_kept(app):
    city = make_city()
    anna = make_user("delegate", city=city, display_name="Anna")
    boris = make_user("delegate", city=city, display_name="Boris")
    practice = make_practice(anna, title="Ars Vivendi workshops", challenge="Line one.\nLine two.")
    first, second = _signed_in(app, anna), _signed_in(app, boris)
    anna_form = first.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    boris_form = second.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    started = _version_in(anna_form)
    assert _version_in(boris_form) == started
    revision = _hidden(boris_form, "revision")

    anna_summary = "Workshops in the Duisburg style, now run with three schools."
    saved = first.post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, title="Ars Vivendi workshops by Anna", summary=anna_summary,
                   version=str(started), revision=revision),
    )  # fmt: skip
    assert saved.status_code == 303

    boris_text = "Line one.\nBoris rewrote the second line."
    told = second.post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, title="Workshops as Boris sees them", challenge=boris_text,
                   version=str(started), revision=revision),
    )  # fmt: skip
    assert told.status_code == 409
    page = told.get_data(as_text=True)
    assert "someone else changed this practice while you were editing it" in page
    assert "Anna saved a new version" in page
    assert "2 fields were changed meanwhile" in page
    # Boris's own text is still in the form...
    assert 'value="Workshops as Boris sees them"' in page
    assert "Boris rewrote the second line." in page
    # ...he sees what Anna changed where he changed it too...
    assert "You both changed this field" in page
    assert "Saved now:" in page and "Ars Vivendi workshops by Anna" in page
    # ...and Anna's change to a field he had not touched is taken into his form.
    assert "You had not changed this field: the saved version is now in your form." in page
    assert f'value="{anna_summary}"' in page
    assert _reload(practice.id).title == "Ars Vivendi workshops by Anna"
    # The form now carries the saved version: saving again, after reading, goes through.
    current = _version_in(page)
    assert current == _reload(practice.id).version != started
    again = second.post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, title="Workshops as Boris sees them", summary=anna_summary,
                   challenge=boris_text, version=str(current),
                   revision=_hidden(page, "revision")),
    )  # fmt: skip
    assert again.status_code == 303
    after = _reload(practice.id)
    assert (after.title, after.summary, after.challenge) == (
        "Workshops as Boris sees them",
        anna_summary,
        boris_text,
    )


def test_a_section_both_changed_shows_the_other_persons_change_line_by_line(app):
    city = make_city()
    anna = make_user("delegate", city=city, display_name="Anna")
    boris = make_user("delegate", city=city)
    practice = make_practice(anna, challenge="First line.\nSecond line.\nThird line.")
    page = _signed_in(app, boris).get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    started, revision = _version_in(page), _hidden(page, "revision")
    services.update_practice(
        anna,
        practice,
        services.PracticeInput(
            **{**_state(practice), "challenge": "First line.\nSecond line, by Anna.\nThird line."}
        ),
        started,
    )
    told = _signed_in(app, boris).post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, challenge="First line, by Boris.\nSecond line.\nThird line.",
                   version=str(started), revision=revision),
    )  # fmt: skip
    assert told.status_code == 409
    page = told.get_data(as_text=True)
    assert re.search(
        r'class="diff__old"><del><span class="diff__mark">was</span> Second line\.', page
    )
    assert re.search(
        r'class="diff__new"><ins><span class="diff__mark">now</span> Second line, by Anna', page
    )
    assert "First line, by Boris." in page  # his text, in the form


def _state(practice: Practice) -> dict[str, Any]:
    state = services.snapshot(practice)
    state.pop("status")
    for key in ("period_start", "period_end"):
        state[key] = date.fromisoformat(state[key]) if state[key] else None
    return state


def test_a_tampered_version_is_a_conflict_not_a_crash(app):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    client = _signed_in(app, delegate)
    for version in ("", "abc", "-5"):
        response = client.post(
            f"/practices/{practice.id}/edit", data=_form(practice, title="X", version=version)
        )
        assert response.status_code == 409
    assert _reload(practice.id).title != "X"


# Status, validation, deletion


def test_publish_archive_and_back_to_draft(app, client):
    delegate = make_user("delegate")
    practice = make_practice(delegate, status="draft")
    editor = _signed_in(app, delegate)
    path = f"/practices/{practice.id}/status"
    assert editor.post(path, data={"status": "published"}).status_code == 303
    assert client.get(_url(practice)).status_code == 200
    assert editor.post(path, data={"status": "archived"}).status_code == 303
    assert "Archived" in client.get(_url(practice)).get_data(as_text=True)
    refused = editor.post(path, data={"status": "draft"})  # archived -> draft is not a move
    assert refused.status_code == 400
    assert "This change of status is not possible." in refused.get_data(as_text=True)
    assert editor.post(path, data={"status": "published"}).status_code == 303
    assert editor.post(path, data={"status": "draft"}).status_code == 303
    assert client.get(_url(practice)).status_code == 404
    assert editor.post(path, data={"status": "deleted"}).status_code == 400
    assert _reload(practice.id).status == "draft"


def test_publishing_needs_a_solution(app):
    delegate = make_user("delegate")
    practice = make_practice(delegate, status="draft", solution="")
    response = _signed_in(app, delegate).post(
        f"/practices/{practice.id}/status", data={"status": "published"}
    )
    assert response.status_code == 400
    assert "Describe the solution before publishing." in response.get_data(as_text=True)
    assert _reload(practice.id).status == "draft"


def test_only_coordinators_validate_and_withdraw(app):
    practice = make_practice()
    path = f"/practices/{practice.id}/validate"
    for role in ("delegate", "young_stakeholder", "admin"):
        assert (
            _signed_in(app, make_user(role)).post(path, data={"validated": "1"}).status_code == 403
        )
    assert _reload(practice.id).validated_at is None
    coordinator = _signed_in(app, make_user("coordinator"))
    assert coordinator.post(path, data={"validated": "1"}).status_code == 303
    assert _reload(practice.id).validated_at is not None
    assert coordinator.post(path, data={"validated": "0"}).status_code == 303
    assert _reload(practice.id).validated_at is None
    draft = make_practice(status="draft")
    response = coordinator.post(f"/practices/{draft.id}/validate", data={"validated": "1"})
    assert response.status_code == 400
    assert "Only a published practice can be validated." in response.get_data(as_text=True)


def test_delete_and_restore_and_the_deleted_list(app, client):
    city = make_city(name="Turku")
    delegate = make_user("delegate", city=city)
    ours = make_practice(delegate, title="Our deleted practice")
    theirs = make_practice(title="Another city's deleted practice")
    editor = _signed_in(app, delegate)
    assert editor.post(f"/practices/{ours.id}/delete", data={}).status_code == 303
    services.delete_practice(make_user("admin"), theirs)
    assert client.get(_url(ours)).status_code == 404
    listing = editor.get("/practices/deleted").get_data(as_text=True)
    assert "Our deleted practice" in listing and "Another city" not in listing
    staff = _signed_in(app, make_user("coordinator")).get("/practices/deleted")
    assert "Our deleted practice" in staff.get_data(as_text=True)
    assert "Another city&#39;s deleted practice" in staff.get_data(as_text=True)
    young = _signed_in(app, make_user("young_stakeholder", city=city))
    assert young.get("/practices/deleted").status_code == 403
    assert young.post(f"/practices/{ours.id}/restore", data={}).status_code == 404
    assert editor.post(f"/practices/{ours.id}/restore", data={}).status_code == 303
    assert client.get(_url(ours)).status_code == 200


# Output encoding


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[tab](java\tscript:alert(1))",
    "[entities](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[hex entities](&#x6A;avascript&#x3A;alert(1))",
    "<javascript:alert(1)>",
    "[spaces]( javascript:alert(1) )",
    "[ref link][evil]\n\n[evil]: javascript:alert(1)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](x onerror=alert(1))",
    "[vb](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">raw link</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="width: expression(alert(1))">style</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<math><mtext></p><script>alert(1)</script></mtext></math>",
    "<<script>script>alert(1)<</script>/script>",
    '[title](https://example.org "a\\" onmouseover=\\"alert(1)")',
    '<https://example.org" onmouseover="alert(1)>',
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "xlink:href", "poster"}


class _Inspector(HTMLParser):
    """Collects what would run: script bodies, event handlers, dangerous URLs and elements."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if tag == "script" and not (dict(attrs).get("src") or "").startswith("/static/"):
            self.problems.append(f"script element {attrs}")
        if tag in ("iframe", "object", "embed", "style", "svg", "math", "base", "meta") and (
            tag != "meta" or "http-equiv" in dict(attrs)
        ):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in _URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squeezed.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"script content {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def assert_inert(html: str, where: str) -> None:
    """Parse the page: nothing in it would run."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, f"{where}: {inspector.problems}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_render_inert_in_every_field(app, client, payload):
    delegate = make_user("delegate")
    text = f"Before {payload} after"
    practice = make_practice(
        delegate,
        title=f"Title {payload}"[: services.TITLE_MAX],
        summary=f"Summary {payload}"[: services.SUMMARY_MAX],
        tags=[payload[:40]],
        **dict.fromkeys(services.SECTIONS, text),
    )
    page = client.get(_url(practice)).get_data(as_text=True)
    assert_inert(page, "the practice page")
    assert "Before" in page  # the text around the payload is still shown
    editor = _signed_in(app, delegate)
    assert_inert(editor.get(_url(practice)).get_data(as_text=True), "the page seen by its editor")
    assert_inert(
        editor.get(f"/practices/{practice.id}/edit").get_data(as_text=True), "the edit form"
    )
    # The conflict page shows both versions' raw text: still inert.
    conflict = editor.post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, challenge=f"Mine {payload}", version=str(practice.version - 1)),
    )
    assert conflict.status_code == 409
    assert_inert(conflict.get_data(as_text=True), "the conflict page")


# Queries


def _crowd(practice: Practice, n: int) -> None:
    """Give the practice n authors, themes, tags and attachments (written directly, quickly)."""
    users = [
        User(email=f"crowd{practice.id}-{i}@example.org", display_name=f"Author {i}",
             password_hash="x", role="young_stakeholder")
        for i in range(n)
    ]  # fmt: skip
    db.session.add_all(users)
    db.session.flush()
    practice.authors = [PracticeAuthor(user_id=u.id, position=i) for i, u in enumerate(users)]
    practice.themes = [Theme(slug=f"t{practice.id}-{i}", name=f"Theme {i}") for i in range(n)]
    practice.tags = [Tag(name=f"tag {practice.id} {i}") for i in range(n)]
    for i in range(n):
        stored = StoredFile(
            storage_key=f"{practice.id:08d}{i:024d}.pdf", original_name=f"f{i}.pdf",
            content_type="application/pdf", extension="pdf", kind="document",
            size_bytes=1000 + i, sha256="0" * 64, variants={},
        )  # fmt: skip
        db.session.add(Attachment(practice_id=practice.id, file=stored, title=f"File {i}"))
    db.session.commit()


@pytest.mark.parametrize("role", ["visitor", "editor"])
def test_the_page_costs_the_same_few_queries_with_5_or_200_of_everything(app, count_queries, role):
    city = make_city()
    delegate = make_user("delegate", city=city)
    client = app.test_client() if role == "visitor" else _signed_in(app, delegate)
    counts = []
    for n in (5, 200):
        practice = make_practice(delegate)
        services.set_validated(make_user("coordinator"), practice, True)
        _crowd(practice, n)
        client.get(_url(practice))  # warm up (first request of a client loads its session)
        with count_queries() as counted:
            response = client.get(_url(practice))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"Author {n - 1}" in page and f"File {n - 1}" in page and f"Theme {n - 1}" in page
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts


def test_the_main_navigation_leads_to_the_practices(client):
    practice = make_practice()
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/practices/">Practices</a>' in home
    page = client.get(_url(practice)).get_data(as_text=True)
    assert '<a href="/practices/" aria-current="page">Practices</a>' in page


def test_the_deleted_list_is_paginated(app, monkeypatch):
    from lab.practices import views

    monkeypatch.setattr(views, "DELETED_PER_PAGE", 2)
    delegate = make_user("delegate")
    for n in range(5):
        services.delete_practice(delegate, make_practice(delegate, title=f"Gone {n}"))
    client = _signed_in(app, delegate)
    first = client.get("/practices/deleted").get_data(as_text=True)
    assert "Page 1 of 3" in first and "Gone 4" in first and "Gone 2" not in first
    last = client.get("/practices/deleted?page=3").get_data(as_text=True)
    assert "Gone 0" in last and "Gone 4" not in last
