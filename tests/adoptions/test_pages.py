"""The ledger on other pages: adopters on the practice page, what a city learned and taught on
its page, and the network; each costs the same number of queries for 5 or 200 adoptions, and
shows only what the viewer may see.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest

from lab.adoptions import services
from lab.practices import services as practices
from tests.adoptions.conftest import many_adoptions
from tests.factories import make_city, make_practice, make_user, sign_in

SVG = "{http://www.w3.org/2000/svg}"
CANARY = "<script>alert(\"c\")</script>&<b x='1'>"


def _page_queries(client, count_queries, url: str) -> tuple[int, str]:
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.n, response.get_data(as_text=True)


def _practice_url(practice) -> str:
    return f"/practices/{practice.id}-{practice.slug}"


class _Text(HTMLParser):
    """The visible text of a page and the hrefs of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data):
        self.text += data


def _text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _svg(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "no inline SVG"
    return ET.fromstring(match.group(0))


def test_the_practice_page_lists_adopters_with_stage_and_latest_update(client, world):
    adoption = services.record_adoption(
        world.delegate, world.practice, "adapted", "exploring", "", date(2020, 2, 1)
    )
    services.add_update(world.delegate, adoption, date(2021, 3, 1), "piloting", "Two *districts*.")
    html = client.get(_practice_url(world.practice)).get_data(as_text=True)
    text = " ".join(_text(html).text.split())
    assert "Cities that adopted it" in text
    assert "Perm" in text and "Adapted" in text
    assert "Piloting (step 3 of 4)" in text  # the stage in words, not by colour alone
    assert "Started February 1, 2020" in text
    assert "Latest update March 1, 2021: Piloting" in text and "<em>districts</em>" in html
    assert f'href="/adoptions/{adoption.id}"' in html
    assert "Record that my city adopts this" not in text  # a visitor records nothing


def test_the_practice_page_offers_recording_to_a_delegate_who_may(client, world):
    sign_in(client, world.delegate)
    html = client.get(_practice_url(world.practice)).get_data(as_text=True)
    assert f'href="/practices/{world.practice.id}/adopt"' in html
    assert "Record that my city adopts this" in html
    services.record_adoption(world.delegate, world.practice, "copied", "adopted", "", None)
    html = client.get(_practice_url(world.practice)).get_data(as_text=True)
    assert "Record that my city adopts this" not in html
    assert "See your city's adoption of this practice" in html
    own = client.application.test_client()
    sign_in(own, world.source_delegate)  # the practice's own city adopts nothing of its own
    assert "Record that my city adopts this" not in own.get(_practice_url(world.practice)).get_data(
        as_text=True
    )


@pytest.mark.parametrize("viewer_role", [None, "delegate", "coordinator"])
def test_the_practice_page_costs_the_same_queries_for_5_or_200_adopters(
    client, world, count_queries, viewer_role
):
    if viewer_role:
        sign_in(
            client, make_user(viewer_role, city=world.city if viewer_role == "delegate" else None)
        )
    many_adoptions(world.source, 5)
    few, html = _page_queries(client, count_queries, _practice_url(world.practice))
    assert html.count('class="adopter"') == 5
    many_adoptions(world.source, 195)
    lots, html = _page_queries(client, count_queries, _practice_url(world.practice))
    assert html.count('class="adopter"') == 200
    assert lots == few
    assert lots <= 10


@pytest.mark.parametrize("viewer_role", [None, "delegate", "admin"])
def test_the_city_page_costs_the_same_queries_for_5_or_200_adoptions(
    client, world, count_queries, viewer_role
):
    if viewer_role:
        sign_in(
            client, make_user(viewer_role, city=world.city if viewer_role == "delegate" else None)
        )
    many_adoptions(world.source, 5)
    few, html = _page_queries(client, count_queries, f"/cities/{world.source.slug}")
    assert html.count("Bulk practice") == 5 and html.count("Bulk town") == 10
    many_adoptions(world.source, 195)
    lots, html = _page_queries(client, count_queries, f"/cities/{world.source.slug}")
    assert html.count("Bulk practice") == 200 and html.count("Bulk town") == 400
    assert lots == few
    assert lots <= 10


def test_the_city_page_shows_what_it_learned_from_whom_and_who_learned_from_it(client, world):
    services.record_adoption(world.delegate, world.practice, "inspired", "piloting", "", None)
    oxford = make_city(name="Oxford", country_code="GB", time_zone="Europe/London")
    centres = make_practice(make_user("delegate", city=oxford), title="Community centres")
    services.record_adoption(world.delegate, centres, "copied", "adopted", "", None)
    perm_practice = make_practice(world.delegate, title="Ars Vivendi in Perm")
    services.record_adoption(
        make_user("delegate", city=oxford), perm_practice, "adapted", "abandoned", "", None
    )

    text = " ".join(
        _text(client.get(f"/cities/{world.city.slug}").get_data(as_text=True)).text.split()
    )
    learned = text[text.index("What Perm learned from whom") : text.index("Who learned from Perm")]
    assert "The mayor's call centre" in learned and "Louisville" in learned
    assert "Inspired by" in learned and "Piloting (step 3 of 4)" in learned
    assert (
        "Community centres" in learned
        and "Oxford" in learned
        and "Adopted (step 4 of 4)" in learned
    )
    taught = text[text.index("Who learned from Perm") :]
    assert "Ars Vivendi in Perm" in taught and "Oxford" in taught and "Abandoned" in taught

    louisville = " ".join(
        _text(client.get(f"/cities/{world.source.slug}").get_data(as_text=True)).text.split()
    )
    assert "has not recorded adopting another city's practice yet" in louisville
    assert (
        "The mayor's call centre" in louisville[louisville.index("Who learned from Louisville") :]
    )


def test_drafts_adoptions_are_hidden_from_outsiders_on_every_page(client, world):
    services.record_adoption(world.delegate, world.practice, "adapted", "piloting", "", None)
    practices.change_status(world.source_delegate, world.practice, "draft")
    for url in (f"/cities/{world.city.slug}", f"/cities/{world.source.slug}", "/network"):
        assert "The mayor&#39;s call centre" not in client.get(url).get_data(as_text=True), url
    assert client.get(_practice_url(world.practice)).status_code == 404
    adopter = client.application.test_client()
    sign_in(adopter, world.delegate)
    assert "The mayor&#39;s call centre" not in adopter.get(f"/cities/{world.city.slug}").get_data(
        as_text=True
    )
    insider = client.application.test_client()
    sign_in(insider, world.source_delegate)
    for url in (f"/cities/{world.city.slug}", "/network", _practice_url(world.practice)):
        page = insider.get(url).get_data(as_text=True)
        assert "The mayor&#39;s call centre" in page or "Perm" in page, url
    assert "Perm" in _text(insider.get("/network").get_data(as_text=True)).text


def test_the_network_draws_the_flows_as_valid_svg_with_a_table(client, world, count_queries):
    services.record_adoption(world.delegate, world.practice, "adapted", "adopted", "", None)
    second = make_practice(world.source_delegate, title="Extreme park")
    services.record_adoption(world.delegate, second, "adapted", "piloting", "", None)
    with count_queries() as counted:
        response = client.get("/network")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    svg = _svg(html)
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby", "").split()
    ids = {element.get("id"): element for element in svg.iter()}
    assert [ids[name].tag for name in labelled_by] == [f"{SVG}title", f"{SVG}desc"]
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert "Louisville" in labels and "Perm" in labels
    [flow] = svg.iterfind(f".//{SVG}g/{SVG}path")
    marker = flow.get("marker-end")[len("url(#") : -1]
    assert ids[marker].tag == f"{SVG}marker"  # the arrowhead it points to exists
    assert flow.find(f"{SVG}title").text == "Louisville to Perm: 2 practices"
    text = " ".join(_text(html).text.split())
    table = text[text.index("Flows between cities") :]
    assert "Louisville Perm" in table
    assert "Extreme park" in table and "The mayor's call centre" in table
    assert "Piloting: 1" in table and "Adopted: 1" in table
    assert counted.n <= 4  # the signed-out page: the aggregate query, and nothing per flow


def test_the_network_page_costs_the_same_queries_for_5_or_200_flows(client, world, count_queries):
    many_adoptions(world.source, 5)
    with count_queries() as few:
        html = client.get("/network").get_data(as_text=True)
    assert len(list(_svg(html).iter(f"{SVG}circle"))) == 6
    many_adoptions(world.source, 195)
    with count_queries() as lots:
        html = client.get("/network").get_data(as_text=True)
    assert len(list(_svg(html).iter(f"{SVG}circle"))) == 201
    assert lots.n == few.n


def second_practice(world):
    """Another published practice of the source city."""
    return make_practice(world.source_delegate, title="Extreme park")


def test_a_canary_city_name_renders_escaped_in_the_svg_and_the_table(client, world):
    canary_city = make_city(name=f"Town {CANARY}", country_code="IT", time_zone="Europe/Rome")
    canary_delegate = make_user("delegate", city=canary_city)
    services.record_adoption(canary_delegate, world.practice, "copied", "exploring", "", None)
    canary_practice = make_practice(canary_delegate, title=f"Practice {CANARY}")
    services.record_adoption(world.delegate, canary_practice, "copied", "exploring", "", None)
    html = client.get("/network").get_data(as_text=True)
    assert "<script>alert" not in html and "<b x=" not in html
    assert _text(html).scripts == 0
    svg = _svg(html)  # parses: every name is escaped
    titles = [element.text for element in svg.iter(f"{SVG}title")]
    assert f"Town {CANARY}" in titles  # the node's full name, as text
    assert f"Louisville to Town {CANARY}: 1 practice" in titles
    assert f"Town {CANARY} to Perm: 1 practice" in titles
    assert any((t.text or "").startswith("Town <script>") for t in svg.iter(f"{SVG}text"))
    text = _text(html).text
    assert f"Town {CANARY}" in text and f"Practice {CANARY}" in text
    for url in (
        f"/cities/{canary_city.slug}",
        f"/cities/{world.city.slug}",
        _practice_url(world.practice),
    ):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b x=" not in page, url
        assert _text(page).scripts == 0
    assert "Network" in _text(client.get("/").get_data(as_text=True)).text
