"""The list of practices: facets, search, sorting, pagination; drafts stay with who may see
them; unknown input is ignored; a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from lab.extensions import db
from lab.practices import services
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.search import world as worlds
from tests.search.pages import card_titles, options_of, parse, text_of, texts

TITLES = {
    "convent": "Il convento diventa centro culturale",
    "warehouse": "Riverside warehouse creative hub",
    "palace": "Workshops in the Palace of Culture",
    "library": "A library in the old college",
    "pavia_draft": "Secret convent draft",
    "iasi_draft": "Hidden Iași draft",
}
PUBLIC = {"convent", "warehouse", "palace", "library"}


@pytest.fixture
def world() -> worlds.World:
    return worlds.build()


def _names(response: Any) -> set[str]:
    by_title = {title: name for name, title in TITLES.items()}
    return {by_title.get(title, title) for title in card_titles(response)}


def _client(app: Any, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def test_a_visitor_sees_published_practices_as_cards(client, world):
    response = client.get("/practices/")
    assert response.status_code == 200
    assert _names(response) == PUBLIC
    page = parse(response)
    titles = [
        attrs
        for tag, attrs in page.elements
        if tag == "h3" and "card__title" in (attrs.get("class") or "")
    ]
    assert {attrs.get("lang") for attrs in titles} == {"it", "en"}
    assert "4 practices" in text_of(response)
    assert texts(response, "badge--validated").count("Validated") == 2


def test_facets_narrow_the_list_and_combine(client, world):
    def names(**args: str) -> set[str]:
        return _names(client.get("/practices/", query_string=args))

    assert names(city="pavia") == {"convent", "warehouse"}
    assert names(country="RO") == {"palace"}
    assert names(country="ro") == {"palace"}
    assert names(theme=world.themes["financing"].slug) == {"convent", "palace"}
    assert names(asset_type="religious_building") == {"convent", "library"}
    assert names(reuse_type="creative_hub") == {"warehouse"}
    assert names(financing_model="eu_funds") == {"convent", "palace"}
    assert names(validated="yes") == {"convent", "palace"}
    assert names(financing_model="eu_funds", city="pavia") == {"convent"}
    assert names(theme=world.themes["circular"].slug, validated="yes") == {"palace"}
    assert names(asset_type="religious_building", country="PT") == {"library"}
    assert names(city="pavia", country="RO") == set()


def test_search_and_facets_combine_and_search_ranks_by_relevance(client, world):
    def names(**args: str) -> set[str]:
        return _names(client.get("/practices/", query_string=args))

    assert names(q="convent") == {"convent"}  # drafts mention it too, but stay hidden
    assert names(q="workshops") == {"warehouse", "palace"}
    assert names(q="workshops", city="pavia") == {"warehouse"}
    assert names(q="workshops", validated="yes") == {"palace"}
    assert names(q="cloister concerts") == {"convent"}  # words from the body
    assert names(q="citta") == {"convent"}  # without its accent
    assert names(q="IASI") == {"palace"}
    assert names(q="nothing-like-this") == set()
    response = client.get("/practices/", query_string={"q": "workshops"})
    assert options_of(response, "sort")[0] == ("relevance", "Best match", True)


def test_counts_per_facet_value_keep_the_other_filters(client, world):
    response = client.get("/practices/", query_string={"financing_model": "eu_funds"})
    cities = {label for value, label, _ in options_of(response, "city") if value}
    assert cities == {"Pavia (1)", "Iași (1)"}
    financing = {label: chosen for value, label, chosen in options_of(response, "financing_model")}
    # The chosen facet still offers the other values, with what they would give.
    assert financing["EU funds (2)"] is True
    assert "Crowdfunding (1)" in financing and "Municipal budget (1)" in financing


def test_unknown_facet_values_are_ignored_never_an_error(client, world):
    response = client.get(
        "/practices/",
        query_string={
            "city": "atlantis",
            "country": "XX",
            "theme": "no-such-theme",
            "asset_type": "spaceport",
            "reuse_type": "<script>",
            "financing_model": "' OR 1=1 --",
            "validated": "maybe",
            "status": "draft",  # a visitor may not filter by status
            "sort": "random()",
            "page": "abc",
            "per_page": "100000",
        },
    )
    assert response.status_code == 200
    assert _names(response) == PUBLIC
    assert "Filters in use" not in text_of(response)
    nul = client.get("/practices/", query_string={"city": "pa\x00via", "q": "con\x00vent"})
    assert nul.status_code == 200


def test_a_page_before_the_first_or_after_the_last_is_the_first_or_the_last(client):
    author = make_user("delegate")
    for n in range(25):
        make_practice(author, title=f"Numbered practice {n:02d}")
    first = card_titles(client.get("/practices/?page=1"))
    last = card_titles(client.get("/practices/?page=2"))
    assert len(first) == 20 and len(last) == 5
    assert card_titles(client.get("/practices/?page=-1")) == first
    assert card_titles(client.get("/practices/?page=0")) == first
    assert card_titles(client.get(f"/practices/?page={10**9}")) == last
    assert card_titles(client.get(f"/practices/?page={10**30}")) == last
    assert card_titles(client.get("/practices/?page=1.5")) == first
    assert "Page 2 of 2" in text_of(client.get(f"/practices/?page={10**9}"))


def test_the_url_keeps_filters_in_pagination_and_each_active_filter_can_be_removed(client):
    pavia = make_city(name="Pavia", slug="pavia")
    author = make_user("delegate", city=pavia)
    for n in range(22):
        make_practice(author, title=f"Convent study {n:02d}", asset_type="religious_building")
    response = client.get(
        "/practices/", query_string={"q": "convent", "city": "pavia", "asset_type": "nope"}
    )
    page = parse(response)
    next_links = [
        a.get("href") for tag, a in page.elements if tag == "a" and a.get("rel") == "next"
    ]
    assert len(next_links) == 1
    assert parse_qs(urlsplit(next_links[0]).query) == {
        "q": ["convent"],
        "city": ["pavia"],
        "page": ["2"],
    }
    removals = [
        a.get("href")
        for tag, a in page.elements
        if tag == "a" and "chip__remove" in (a.get("class") or "")
    ]
    assert sorted((parse_qs(urlsplit(link).query) for link in removals), key=str) == sorted(
        [{"q": ["convent"]}, {"city": ["pavia"]}], key=str
    )
    assert ("pavia", "Pavia (22)", True) in options_of(response, "city")
    assert [v for v, _, chosen in options_of(response, "asset_type") if chosen] == [""]


def test_drafts_stay_with_their_city_and_staff_in_the_list_and_its_counts(app, world):
    visitor = _client(app)
    outsider = _client(app, world.delegates["coimbra"])
    pavia = _client(app, world.delegates["pavia"])
    staff = _client(app, world.coordinator)
    young = _client(app, make_user("young_stakeholder"))
    for client in (visitor, outsider, young):
        response = client.get("/practices/?q=convent")
        assert _names(response) == {"convent"}
        response = client.get("/practices/")
        assert _names(response) == PUBLIC
        assert "Secret" not in response.get_data(as_text=True)
        cities = {label for _, label, _ in options_of(response, "city")}
        assert {"Pavia (2)", "Iași (1)"} <= cities
        assert "Draft (1)" not in {label for _, label, _ in options_of(response, "status")}
    for client in (visitor, young):  # they never see drafts, so no status facet either
        assert options_of(client.get("/practices/"), "status") == []
        assert _names(client.get("/practices/?status=draft")) == PUBLIC  # ignored
    # Another city's delegate sees their own city's drafts only: here there are none.
    assert _names(outsider.get("/practices/?status=draft")) == set()
    assert "Secret" not in outsider.get("/practices/?status=draft&q=convent").get_data(as_text=True)
    response = pavia.get("/practices/")
    assert _names(response) == PUBLIC | {"pavia_draft"}
    assert {label for _, label, _ in options_of(response, "status")} >= {"Draft (1)"}
    assert _names(pavia.get("/practices/?status=draft")) == {"pavia_draft"}
    assert _names(pavia.get("/practices/?q=convent")) == {"convent", "pavia_draft"}
    response = staff.get("/practices/")
    assert _names(response) == PUBLIC | {"pavia_draft", "iasi_draft"}
    assert _names(staff.get("/practices/?status=draft")) == {"pavia_draft", "iasi_draft"}
    assert _names(staff.get("/practices/?status=draft&city=iasi")) == {"iasi_draft"}
    assert "Draft" in texts(staff.get("/practices/?status=draft"), "badge--draft")


def test_deleted_practices_leave_the_list(client, world):
    services.delete_practice(world.delegates["pavia"], world.practices["warehouse"])
    assert _names(client.get("/practices/")) == PUBLIC - {"warehouse"}
    assert _names(client.get("/practices/?q=warehouse")) == set()


def _at(practice: Any, published: datetime, updated: datetime) -> None:
    practice.published_at = published
    practice.updated_at = updated
    db.session.commit()


def test_sorting_newest_recently_updated_and_most_adopted(client, world):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    p = world.practices
    _at(p["convent"], base, base + timedelta(days=30))
    _at(p["warehouse"], base + timedelta(days=1), base + timedelta(days=1))
    _at(p["palace"], base + timedelta(days=2), base + timedelta(days=2))
    _at(p["library"], base + timedelta(days=3), base + timedelta(days=10))
    worlds.adopt(p["palace"], world.cities["pavia"])
    worlds.adopt(p["palace"], world.cities["coimbra"])
    worlds.adopt(p["warehouse"], world.cities["iasi"])
    gone = worlds.adopt(p["library"], world.cities["pavia"])
    gone.mark_deleted()
    db.session.commit()

    def order(sort: str) -> list[str]:
        by_title = {title: name for name, title in TITLES.items()}
        return [by_title[t] for t in card_titles(client.get(f"/practices/?sort={sort}"))]

    assert order("newest") == ["library", "palace", "warehouse", "convent"]
    assert order("updated") == ["convent", "library", "palace", "warehouse"]
    assert order("adopted") == ["palace", "warehouse", "library", "convent"]
    adoptions = texts(client.get("/practices/?sort=adopted"), "practice-card__adoptions")
    assert adoptions == [
        "Adopted by 2 cities",
        "Adopted by 1 city",
        "Not adopted yet",
        "Not adopted yet",
    ]


@pytest.mark.parametrize("role", ["visitor", "coordinator", "delegate"])
@pytest.mark.parametrize("query", ["", "?q=convent+cultural&city=pavia&sort=adopted"])
def test_the_list_runs_the_same_few_queries_for_5_or_200_practices(app, count_queries, role, query):
    city = make_city(name="Pavia", slug="pavia")
    author = make_user("delegate", city=city)
    viewer = (
        None if role == "visitor" else make_user(role, city=city if role == "delegate" else None)
    )
    client = _client(app, viewer)

    def add(n: int) -> None:
        for i in range(n):
            practice = make_practice(
                author,
                status="published" if i % 3 else "draft",
                title=f"Convent {i}",
                summary="A convent becomes a cultural centre.",
            )
            if i % 4 == 0:
                worlds.adopt(practice, make_city())

    add(5)
    client.get("/practices/" + query)  # warm caches (translations, templates)
    with count_queries() as few:
        assert client.get("/practices/" + query).status_code == 200
    add(195)
    # The facet counts are cached per data stamp: the first page after the writes counts them
    # again (one query more), later ones reuse them, as with 5 practices.
    with count_queries() as recounted:
        assert client.get("/practices/" + query).status_code == 200
    with count_queries() as many:
        response = client.get("/practices/" + query)
    assert response.status_code == 200
    assert len(card_titles(response)) == 20
    assert few.n == many.n, "\n".join(many.statements)
    assert recounted.n <= 10, "\n".join(recounted.statements)


def test_the_home_page_shows_recent_published_practices_and_a_search_box(client, world):
    response = client.get("/")
    page = parse(response)
    recent = card_titles(response)
    assert TITLES["convent"] in recent and TITLES["library"] in recent
    assert TITLES["pavia_draft"] not in recent
    forms = [a for tag, a in page.elements if tag == "form" and a.get("role") == "search"]
    assert forms and forms[0].get("action") == "/search"
    assert "Member cities" in text_of(response)  # what was there stays


def test_titles_and_summaries_render_as_text(client):
    canary = '<script>alert("canary")</script>'
    make_practice(title=f"Canary {canary}", summary=f"Summary {canary}")
    html = client.get("/practices/").get_data(as_text=True)
    assert "&lt;script&gt;" in html and canary not in html
    html = client.get("/practices/", query_string={"q": canary}).get_data(as_text=True)
    assert canary not in html


def test_people_who_may_write_find_the_way_to_the_new_practice_form(client):
    from tests.factories import make_user, sign_in

    assert "/practices/new" not in client.get("/practices/").get_data(as_text=True)
    sign_in(client, make_user("young_stakeholder"))
    assert "/practices/new" not in client.get("/practices/").get_data(as_text=True)
    delegate_client = client.application.test_client()
    sign_in(delegate_client, make_user("delegate"))
    assert 'href="/practices/new"' in delegate_client.get("/practices/").get_data(as_text=True)
