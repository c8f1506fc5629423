"""Practices in a real browser: a city shares one, another adopts it, a visitor finds it; drafts
stay private; two editors meet in an edit conflict; axe on the practice pages.

Every test writes practices of its own, with titles and search words unique to the run, so that
the tests do not depend on each other or on their order. Each person has a browser context of
their own, as two people on two machines would. Where a test's subject is not how a practice is
written, the practice is written through the services on the live server's database (faster).
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from lab.adoptions.models import Adoption
from lab.auth.models import User
from lab.cities.models import City
from lab.demo.world import demo_password
from lab.extensions import db
from lab.practices import files, services
from lab.practices.models import Practice
from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations, sign_in

pytestmark = pytest.mark.e2e

PAVIA = "delegate.pavia@lab.example"  # Paolo Rossi
PERM = "delegate.perm@lab.example"  # Sarah Guttler-Zakharova
COORDINATOR = "coordinator@lab.example"  # Chiara Coordinator
CALL_CENTRE = "A city call centre: one number for residents' questions and requests"
NOT_FOUND = "Page not found"

NewContext = Callable[..., BrowserContext]
OpenAs = Callable[..., Page]


def unique_word(stem: str) -> str:
    """A word nobody else writes: letters only, so that search sees one word."""
    return stem + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def unique_title(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex[:8]})"


def main_nav(page: Page) -> Locator:
    return page.locator("header nav.site-nav")


def flashes(page: Page) -> Locator:
    return page.locator(".flashes")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def expect_image_loaded(image: Locator) -> None:
    """The picture really arrived and decoded (a broken image has naturalWidth 0)."""
    image.scroll_into_view_if_needed()  # a lazy image loads only near the viewport
    expect(image).to_be_visible()
    handle = image.element_handle()
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)


@pytest.fixture
def open_as(new_context: NewContext, live_app: Flask, live_server: str) -> OpenAs:
    """``open_as(email=None, language="en")``: a page in a new browser context, signed in as the
    demo account (or a visitor), with the interface language chosen by the switcher's cookie."""
    cookie = str(live_app.config["LANGUAGE_COOKIE"])

    def open_page(email: str | None = None, language: str = "en") -> Page:
        context = new_context()
        page = context.new_page()
        if email:
            sign_in(page, email, demo_password(email))  # the sign-in form, in English
        context.add_cookies([{"name": cookie, "value": language, "url": live_server}])
        return page

    return open_page


@pytest.fixture
def cover_png(tmp_path: Path) -> Path:
    """A small PNG drawing of a cloister: arches on a courtyard wall."""
    path = tmp_path / "chiostro.png"
    image = Image.new("RGB", (640, 360), (176, 112, 64))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 80, 600, 330), fill=(236, 224, 196))
    for left in range(70, 560, 70):
        draw.rectangle((left, 170, left + 36, 330), fill=(92, 60, 40))
        draw.ellipse((left, 150, left + 36, 190), fill=(92, 60, 40))
    image.save(path, "PNG")
    return path


# Practices written through the services (for tests about something else) ---------------------


@dataclass(frozen=True)
class Written:
    id: int
    path: str  # /practices/<id>-<slug>
    data: services.PracticeInput


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


@pytest.fixture
def write_practice(live_app: Flask) -> Callable[..., Written]:
    """``write_practice(title, word, cover=None, publish=True, email=PAVIA)``: a practice of the
    writer's city, saved (and published) on the live server's database."""

    def write(
        title: str,
        word: str,
        cover: Path | None = None,
        publish: bool = True,
        email: str = PAVIA,
    ) -> Written:
        data = services.PracticeInput(
            title=title,
            summary="Students run a reading room in a former cloister.",
            challenge="The cloister stood empty and its upkeep weighed on the city.",
            solution=f"A {word} opened in the cloister, run by students of the university.",
            results="The reading room opens six days a week.\nAbout 200 people come each day.",
            lessons="Start with a small room.\nAsk the neighbours early.",
            asset_type="religious_building",
            reuse_type="cultural_centre",
            cover_alt="Arches of a cloister around a sunny courtyard" if cover else "",
        )
        with live_app.app_context():
            actor = _user(email)
            opened = cover.open("rb") if cover else nullcontext()
            with opened as stream:
                upload = files.Upload(stream, cover.name) if cover and stream else None
                practice = files.write_practice(actor, replace(data), cover=upload)
            if publish:
                services.change_status(actor, practice, "published")
            return Written(practice.id, f"/practices/{practice.id}-{practice.slug}", data)

    return write


def save_as(live_app: Flask, email: str, written: Written, **changes: Any) -> None:
    """Save an edit of the practice as someone else, elsewhere (from its current version)."""
    with live_app.app_context():
        practice = services.load_practice(written.id)
        assert practice is not None
        data = replace(written.data, **changes)
        services.update_practice(_user(email), practice, data, practice.version)


# --- 1. Pavia shares a practice, Perm adopts it, a visitor finds it ---------------------------


def fill_practice_form(
    page: Page,
    *,
    title: str,
    summary: str,
    sections: dict[str, str],
    facets: dict[str, str],
    themes: list[str],
    cover: Path,
    alt: str,
) -> None:
    """Fill the practice form by its labels, as a person reads them."""
    form = page.locator("main form.practice-form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("One-line summary", exact=True).fill(summary)
    for label, text in sections.items():
        form.get_by_label(label, exact=True).fill(text)
    for label, value in facets.items():
        form.get_by_label(label, exact=True).select_option(label=value)
    for theme in themes:
        form.get_by_role("checkbox", name=theme, exact=True).check()
    form.get_by_label("Cover image", exact=True).set_input_files(cover)
    form.get_by_label("Description of the cover image", exact=True).fill(alt)


def test_pavia_shares_a_practice_perm_adopts_it_and_a_visitor_finds_it(
    open_as: OpenAs, cover_png: Path
) -> None:
    word = unique_word("chiostrobiblioteca")
    title = unique_title("A cloister becomes a library run by students")
    summary = "Students of the university run a reading room in a former cloister."
    alt = "Arches of the cloister around a sunny courtyard"
    solution = (
        f"The city lent the cloister to a student association, which opened the **{word}**: "
        "a reading room with long opening hours, run by volunteers."
    )

    sections = {
        "The challenge": "The cloister stood empty; students had nowhere to study at night.",
        "The solution": solution,
        "Stakeholders involved": "The university, a student association, the parish.",
        "Resources and financing": "A free loan of the building; volunteers; a small grant.",
        "Results and evidence": "Open six days a week, about 200 readers a day.",
        "Transferability: what another city needs": "An empty building and a student body.",
        "Lessons learned (failures count too)": "Evening opening needed a caretaker.",
    }

    # Pavia's delegate writes the practice: it starts as a draft.
    pavia = open_as(PAVIA)
    main_nav(pavia).get_by_role("link", name="Practices").click()
    expect(h1(pavia)).to_have_text("Practices")
    # The list has no link to the form yet (reported); the form is at its address.
    pavia.goto("/practices/new")
    expect(h1(pavia)).to_have_text("Share a practice")
    fill_practice_form(
        pavia,
        title=title,
        summary=summary,
        sections=sections,
        facets={
            "Asset type": "Religious building (convent, church...)",
            "Reuse type": "Cultural centre",
        },
        themes=["Adaptive reuse of buildings", "Youth and education"],
        cover=cover_png,
        alt=alt,
    )
    pavia.get_by_role("button", name="Save as a draft").click()

    expect(pavia).to_have_url(re.compile(r"/practices/\d+-a-cloister-becomes-a-library"))
    expect(flashes(pavia)).to_contain_text(
        "Your practice is saved as a draft. Publish it when it is ready."
    )
    expect(pavia.locator("main .practice__notice")).to_have_text(
        "This is a draft: only the delegates of Pavia and the Lab's coordinators can see it."
    )
    expect(h1(pavia)).to_have_text(title)
    expect(pavia.locator(".practice__badges")).to_contain_text("Draft")
    expect(pavia.locator(".practice__section h2")).to_have_text(list(sections))
    expect(pavia.locator("#section-solution + .prose strong")).to_have_text(word)
    facets = pavia.locator("section[aria-labelledby=facets-title]")
    expect(facets).to_contain_text("Religious building (convent, church...)")
    expect(facets).to_contain_text("Cultural centre")
    expect(pavia.locator("section[aria-labelledby=topics-title]")).to_contain_text(
        "Adaptive reuse of buildings"
    )
    expect(pavia.locator("figure.practice__cover img")).to_have_attribute("alt", alt)
    practice_path = path_of(pavia)

    pavia.locator("aside").get_by_role("button", name="Publish").click()
    expect(flashes(pavia)).to_contain_text("The practice is published: everyone can read it now.")
    expect(pavia.locator(".practice__badges")).to_contain_text("Published")
    expect(pavia.locator("main .practice__notice")).to_have_count(0)

    # Perm's delegate finds it among Pavia's practices and records that Perm adopts it.
    perm = open_as(PERM)
    perm.goto("/practices/?city=pavia&sort=newest")
    perm.locator("main").get_by_role("link", name=title).click()
    expect(perm).to_have_url(re.compile(re.escape(practice_path) + "$"))
    perm.get_by_role("link", name="Record that my city adopts this").click()
    expect(h1(perm)).to_have_text("Record an adoption")
    expect(perm.locator("main .lead")).to_contain_text(
        "Record that Perm adopts this practice of Pavia:"
    )
    perm.get_by_label("How", exact=True).select_option(label="Adapted")
    perm.get_by_label("Stage", exact=True).select_option(label="Piloting")
    perm.get_by_label("Started on", exact=True).fill("2025-03-03")
    perm.get_by_label("What your city changed, and why").fill(
        "Perm opened the reading room in a **former tram depot** instead of a cloister."
    )
    perm.get_by_role("button", name="Record the adoption").click()

    expect(perm).to_have_url(re.compile(r"/adoptions/\d+$"))
    expect(flashes(perm)).to_contain_text("The adoption is recorded.")
    expect(h1(perm)).to_have_text("Perm adopts a practice of Pavia")
    facts = perm.locator("main dl.adoption__facts")
    expect(facts).to_contain_text("Adapted")
    expect(facts).to_contain_text("Piloting")
    expect(perm.locator("main .prose strong")).to_have_text("former tram depot")
    perm.locator("main .lead").get_by_role("link", name=title).click()
    adopters = perm.locator("section.adopters")
    expect(adopters.get_by_role("heading", name="Perm")).to_be_visible()
    expect(adopters).to_contain_text("Adapted")
    expect(
        adopters.get_by_role("link", name="See your city's adoption of this practice")
    ).to_be_visible()

    # A visitor searches the word on the whole site...
    visitor = open_as()
    visitor.goto("/")
    visitor.get_by_label("Search practices and discussions").fill(word)
    visitor.locator("form.home-search").get_by_role("button", name="Search").click()
    expect(visitor).to_have_url(re.compile(r"/search\?q=" + word + "$"))
    expect(visitor.locator("#results-title")).to_have_text(f"1 result for “{word}”")
    hit = visitor.locator("main li.search-hit")
    expect(hit).to_have_count(1)
    expect(hit.get_by_role("link", name=title)).to_have_attribute("href", practice_path)
    expect(hit.locator(".search-hit__snippet mark")).to_have_text(word)
    expect(hit.locator(".search-hit__meta")).to_contain_text("Pavia")

    # ...and in the practices list, then opens the practice.
    main_nav(visitor).get_by_role("link", name="Practices").click()
    visitor.get_by_label("Search practices", exact=True).fill(word)
    visitor.locator(".practice-filters__search").get_by_role("button", name="Search").click()
    expect(visitor.locator("#results-title")).to_have_text("1 practice")
    card = visitor.locator("main article.practice-card")
    expect(card).to_have_count(1)
    expect(card.locator("img.practice-card__cover")).to_have_attribute("alt", alt)
    expect_image_loaded(card.locator("img.practice-card__cover"))
    card.get_by_role("link", name=title).click()

    expect(visitor).to_have_url(re.compile(re.escape(practice_path) + "$"))
    expect(h1(visitor)).to_have_text(title)
    expect(visitor.locator("main .practice__summary")).to_have_text(summary)
    cover = visitor.locator("figure.practice__cover img")
    expect(cover).to_have_attribute("alt", alt)
    expect_image_loaded(cover)
    visitor_adopters = visitor.locator("section.adopters")
    expect(visitor_adopters.get_by_role("link", name="Perm")).to_be_visible()
    expect(visitor_adopters).to_contain_text("Piloting")
    expect(visitor.locator("aside").get_by_role("button", name="Publish")).to_have_count(0)


# --- 2. A draft is private until it is published ----------------------------------------------


def test_a_visitor_cannot_see_or_find_a_draft_until_it_is_published(
    open_as: OpenAs, write_practice: Callable[..., Written], cover_png: Path
) -> None:
    word = unique_word("scriptoriumdraft")
    title = unique_title("A scriptorium in progress")
    draft = write_practice(title, word, cover=cover_png, publish=False)

    visitor = open_as()
    missing = visitor.goto("/practices/999999999-no-such-practice")
    assert missing is not None and missing.status == 404
    missing_text = visitor.locator("main").inner_text()

    for path in (
        draft.path,
        f"/practices/{draft.id}",
        f"/practices/{draft.id}/history",
        f"/practices/{draft.id}/cover/large",
    ):
        response = visitor.goto(path)
        assert response is not None and response.status == 404, path
        expect(h1(visitor)).to_have_text(NOT_FOUND)
        # The same page as for a practice that does not exist: nothing tells a draft is there.
        assert visitor.locator("main").inner_text() == missing_text, path
        expect(visitor.locator("main")).not_to_contain_text(title)

    visitor.goto(f"/search?q={word}")
    expect(visitor.locator("#results-title")).to_have_text(f"0 results for “{word}”")
    expect(visitor.locator("main li.search-hit")).to_have_count(0)
    visitor.goto(f"/practices/?q={word}")
    expect(visitor.locator("#results-title")).to_have_text("0 practices")
    expect(visitor.locator("main article.practice-card")).to_have_count(0)

    # Another city's delegate does not see it either.
    perm = open_as(PERM)
    response = perm.goto(draft.path)
    assert response is not None and response.status == 404
    perm.goto(f"/search?q={word}")
    expect(perm.locator("main li.search-hit")).to_have_count(0)

    # Its own city does: the search word works, it is only hidden.
    pavia = open_as(PAVIA)
    pavia.goto(f"/search?q={word}")
    expect(pavia.locator("main li.search-hit").get_by_role("link", name=title)).to_be_visible()
    pavia.goto(draft.path)
    pavia.locator("aside").get_by_role("button", name="Publish").click()
    expect(flashes(pavia)).to_contain_text("The practice is published")

    response = visitor.goto(draft.path)
    assert response is not None and response.status == 200
    expect(h1(visitor)).to_have_text(title)
    visitor.goto(f"/search?q={word}")
    expect(visitor.locator("main li.search-hit").get_by_role("link", name=title)).to_be_visible()


# --- 3. Two editors save the same practice -----------------------------------------------------


def open_edit_form(page: Page, path: str) -> Locator:
    page.goto(path)
    page.locator("aside").get_by_role("link", name="Edit").click()
    expect(h1(page)).to_contain_text("Edit “")
    return page.locator("main form.practice-form")


def test_second_editor_is_told_of_the_first_save_keeps_their_text_and_saves_again(
    open_as: OpenAs, write_practice: Callable[..., Written]
) -> None:
    title = unique_title("A cloister reading room, edited twice")
    written = write_practice(title, unique_word("conflictword"))
    paolo_summary = "Students and retired teachers run a reading room in a former cloister."
    paolo_results = "The reading room opens six days a week.\nAbout 350 people come each day."
    chiara_results = (
        "The reading room opens six days a week.\n"
        "Exam weeks fill every seat; a waiting list was needed."
    )

    paolo = open_as(PAVIA)
    chiara = open_as(COORDINATOR)
    paolo_form = open_edit_form(paolo, written.path)
    chiara_form = open_edit_form(chiara, written.path)

    # Paolo saves first.
    paolo_form.get_by_label("One-line summary", exact=True).fill(paolo_summary)
    paolo_form.get_by_label("Results and evidence", exact=True).fill(paolo_results)
    paolo_form.get_by_role("button", name="Save the practice").click()
    expect(flashes(paolo)).to_contain_text("Your changes are saved.")
    expect(paolo.locator("main .practice__summary")).to_have_text(paolo_summary)

    # Chiara, still on the form she opened before, saves hers.
    chiara_form.get_by_label("Results and evidence", exact=True).fill(chiara_results)
    with chiara.expect_response(lambda r: r.request.method == "POST") as posted:
        chiara_form.get_by_role("button", name="Save the practice").click()
    assert posted.value.status == 409

    conflict = chiara.locator("main section.conflict")
    expect(conflict).to_have_attribute("role", "alert")
    expect(conflict.get_by_role("heading", level=2)).to_have_text(
        "Not saved: someone else changed this practice while you were editing it"
    )
    expect(conflict).to_contain_text("Paolo Rossi saved a new version on")
    expect(conflict).to_contain_text("Your text is still in the form below, not lost.")
    expect(conflict.get_by_role("heading", level=3)).to_have_text("2 fields were changed meanwhile")
    # The summary only Paolo changed is taken into her form...
    summary_change = conflict.locator("dt:has-text('One-line summary') + dd")
    expect(summary_change).to_contain_text(
        "You had not changed this field: the saved version is now in your form."
    )
    expect(summary_change).to_contain_text(paolo_summary)
    form = chiara.locator("main form.practice-form")
    expect(form.get_by_label("One-line summary", exact=True)).to_have_value(paolo_summary)
    # ...the results both changed keep her text, with Paolo's change shown beside it.
    results_change = conflict.locator("dt:has-text('Results and evidence') + dd")
    expect(results_change).to_contain_text(
        "You both changed this field: your version is in the form, theirs is shown here."
    )
    expect(results_change.locator("li.diff__new")).to_contain_text(
        "About 350 people come each day."
    )
    expect(results_change.locator("li.diff__old")).to_contain_text(
        "About 200 people come each day."
    )
    results = form.get_by_label("Results and evidence", exact=True)
    expect(results).to_have_value(re.compile(r"Exam weeks fill every seat; a waiting list"))

    # Having read it, she saves again: this time it goes through.
    form.get_by_role("button", name="Save the practice").click()
    expect(flashes(chiara)).to_contain_text("Your changes are saved.")
    expect(chiara.locator("main .practice__summary")).to_have_text(paolo_summary)
    expect(chiara.locator("#section-results + .prose")).to_contain_text(
        "Exam weeks fill every seat"
    )

    # The history lists every save, newest first, with who made it and what changed.
    chiara.get_by_role("link", name="History of changes").click()
    expect(h1(chiara)).to_have_text(title)
    rows = chiara.locator("main table.history-table tbody tr")
    expect(rows).to_have_count(4)  # written, published, Paolo's edit, Chiara's edit
    expect(rows.nth(0).get_by_role("rowheader")).to_contain_text("Revision 4")
    expect(rows.nth(0)).to_contain_text("Chiara Coordinator")
    expect(rows.nth(0)).to_contain_text("Results and evidence")
    expect(rows.nth(1)).to_contain_text("Revision 3")
    expect(rows.nth(1)).to_contain_text("Paolo Rossi")
    expect(rows.nth(1)).to_contain_text("Summary, Results and evidence")
    expect(rows.nth(3)).to_contain_text("First version")

    chiara.get_by_role("button", name="Compare the chosen revisions").click()
    expect(chiara).to_have_url(re.compile(r"/history/compare\?(to=4&from=3|from=3&to=4)$"))
    expect(h1(chiara)).to_have_text("Changes from revision 3 to revision 4")
    diff = chiara.locator("section[aria-labelledby=change-results] .history-diff")
    expect(diff).to_contain_text("The reading room opens six days a week.")
    removed = " ".join(diff.locator("del").all_text_contents())
    added = " ".join(diff.locator("ins").all_text_contents())
    # Changed words are marked, and also announced in words ("[removed: 350]").
    assert "[removed: 350]" in removed, removed
    for word in ("About", "people", "come"):
        assert word in removed, removed
    assert "[added: Exam]" in added, added
    for word in ("weeks", "seat", "waiting list"):
        assert word in added, added
    assert "six" not in removed + added, (removed, added)  # unchanged words are left unmarked
    expect(chiara.locator("section[aria-labelledby=change-summary]")).to_have_count(0)


# --- 4. Accessibility: axe on the practice pages -----------------------------------------------


@pytest.fixture(scope="module")
def demo_paths(live_app: Flask) -> dict[str, str]:
    """Addresses of demo pages: Louisville's call centre and Perm's adoption of it."""
    with live_app.app_context():
        louisville = db.session.scalar(select(City.id).where(City.slug == "louisville"))
        practice = db.session.scalar(
            select(Practice).where(Practice.title == CALL_CENTRE, Practice.city_id == louisville)
        )
        assert practice is not None
        perm = db.session.scalar(select(City.id).where(City.slug == "perm"))
        adoption = db.session.scalar(
            select(Adoption.id).where(Adoption.practice_id == practice.id, Adoption.city_id == perm)
        )
        assert adoption is not None
        return {
            "call centre": f"/practices/{practice.id}-{practice.slug}",
            "adoption": f"/adoptions/{adoption}",
        }


def check(page: Page, found: dict[str, list[dict[str, Any]]], name: str, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    found[name] = axe_violations(page)


@pytest.mark.parametrize("language", ["en", "it"])
def test_practice_pages_have_no_axe_violations(
    open_as: OpenAs,
    write_practice: Callable[..., Written],
    live_app: Flask,
    demo_paths: dict[str, str],
    cover_png: Path,
    language: str,
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}  # violations per page, reported at the end
    word = unique_word("axeword")
    written = write_practice(unique_title("A cloister for axe"), word, cover=cover_png)
    save_as(live_app, COORDINATOR, written, results="The reading room opens every day.")

    visitor = open_as(language=language)
    pages = {
        "practices list with filters": "/practices/?theme=youth-and-education&sort=newest",
        "practices list with a search": "/practices/?q=convent&reuse_type=cultural_centre",
        "practice (call centre)": demo_paths["call centre"],
        "practice with a cover": written.path,
        "history": f"/practices/{written.id}/history",
        "comparison": f"/practices/{written.id}/history/compare",
        "revision": f"/practices/{written.id}/history/1",
        "site search": "/search?q=convent",
        "site search, one kind": f"/search?q={word}&kind=practice",
        "site search, nothing found": f"/search?q={unique_word('nothing')}",
        "network": "/network",
        "adoption": demo_paths["adoption"],
    }
    for name, path in pages.items():
        response = visitor.goto(path)
        assert response is not None and response.status == 200, (name, path)
        check(visitor, found, name, language)

    # Pavia's delegate: the practice page with its controls, the form, its errors, a conflict.
    pavia = open_as(PAVIA, language)
    pavia.goto(written.path)
    expect(pavia.locator("main form input[type=file]")).to_have_count(1)  # attaching a file
    check(pavia, found, "practice, as its editor", language)
    pavia.goto("/practices/new")
    check(pavia, found, "new practice", language)
    pavia.locator("main form.practice-form button[type=submit]").click()
    expect(pavia.locator("main [role=alert]")).to_be_visible()
    expect(pavia.locator("#title-error")).to_be_visible()
    check(pavia, found, "new practice with errors", language)

    pavia.goto(f"/practices/{written.id}/edit")
    pavia.locator("#results").fill("The reading room opens on Sundays too.\nA café opened.")
    save_as(live_app, COORDINATOR, written, results="The reading room closes in August.")
    with pavia.expect_response(lambda r: r.request.method == "POST") as posted:
        pavia.locator("main form.practice-form button[type=submit]").click()
    assert posted.value.status == 409
    expect(pavia.locator("main section.conflict")).to_be_visible()
    check(pavia, found, "edit conflict", language)

    # Perm's delegate: an adoption page with its forms, and the form to record one.
    perm = open_as(PERM, language)
    perm.goto(demo_paths["adoption"])
    expect(perm.locator("main form")).to_have_count(3)  # update, edit, withdraw
    check(perm, found, "adoption, as its city's delegate", language)
    perm.goto(f"/practices/{written.id}/adopt")
    check(perm, found, "record an adoption", language)

    assert_no_axe_violations(found)
