"""Editing a city's description: coordinators and admins; the page shows sanitised HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lab.audit.models import AuditEvent
from lab.cities import services
from lab.cities.models import City
from lab.core.errors import PermissionDeniedError
from lab.extensions import db
from tests.factories import make_city, make_user, sign_in


class _Prose(HTMLParser):
    """The elements and text inside the city page's ``<div class="prose">``, and every link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.links: list[str] = []  # the text of every link on the page
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in ("br", "hr", "img", "input")  # void elements never close
            self.tags.append((tag, dict(attrs)))
        elif tag == "div" and dict(attrs).get("class") == "prose":
            self.depth = 1
        if tag == "a":
            self._link = ""

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
        if tag == "a" and self._link is not None:
            self.links.append(" ".join(self._link.split()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data
        if self._link is not None:
            self._link += data


def _read(response) -> _Prose:
    parser = _Prose()
    parser.feed(response.get_data(as_text=True))
    return parser


def _link_texts(response) -> set[str]:
    return set(_read(response).links)


def test_a_coordinator_edits_pavias_description_and_the_page_shows_sanitised_html(client):
    pavia = make_city(name="Pavia", slug="pavia")
    coordinator = make_user("coordinator", display_name="Carla Coordinator")
    sign_in(client, coordinator)

    form = client.get("/cities/pavia/description")
    assert form.status_code == 200
    markdown = (
        "## Heritage\n\nThe **Visconti Castle** and [the university](https://web.unipv.it).\n\n"
        "<script>alert('x')</script>\n\n[bad](javascript:alert(1))"
    )
    response = client.post("/cities/pavia/description", data={"description": markdown})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cities/pavia")

    page = client.get("/cities/pavia")
    prose = _read(page)
    tags = [tag for tag, _attrs in prose.tags]
    assert "h3" in tags and "strong" in tags  # headings start below the page's own h2
    assert "script" not in tags
    hrefs = [attrs.get("href") for tag, attrs in prose.tags if tag == "a"]
    assert "https://web.unipv.it" in hrefs
    assert not any(href and href.startswith("javascript:") for href in hrefs)
    assert "Visconti Castle" in prose.text

    db.session.expire_all()
    assert db.session.get(City, pavia.id).description == markdown
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.target_id == pavia.id, AuditEvent.action == "city.updated"
        )
    )
    assert event is not None and event.actor_id == coordinator.id
    assert event.details["fields"] == ["description"]


def test_the_edit_link_shows_only_to_those_allowed(client, app):
    city = make_city(name="Coimbra")
    path = f"/cities/{city.slug}"
    assert "Edit description" not in _link_texts(client.get(path))

    for role, description, profile in (
        ("young_stakeholder", False, False),
        ("delegate", False, False),
        ("coordinator", True, False),
        ("admin", True, True),
    ):
        browser = app.test_client()
        sign_in(browser, make_user(role))
        links = _link_texts(browser.get(path))
        assert ("Edit description" in links) is description, role
        assert ("Edit the city's profile" in links) is profile, role


def test_delegates_and_young_stakeholders_cannot_edit_a_description(client, app):
    city = make_city(name="Perm", description="Original")
    for role in ("delegate", "young_stakeholder"):
        browser = app.test_client()
        sign_in(browser, make_user(role, city=city) if role == "delegate" else make_user(role))
        assert browser.get(f"/cities/{city.slug}/description").status_code == 403
        response = browser.post(f"/cities/{city.slug}/description", data={"description": "Hacked"})
        assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(City, city.id).description == "Original"


def test_a_visitor_is_sent_to_sign_in(client):
    city = make_city()
    response = client.get(f"/cities/{city.slug}/description")
    assert response.status_code == 302
    assert "/signin" in response.headers["Location"]


def test_an_over_long_description_is_refused_and_nothing_changes(client):
    city = make_city(description="Short")
    sign_in(client, make_user("coordinator"))
    response = client.post(f"/cities/{city.slug}/description", data={"description": "x" * 5001})
    assert response.status_code == 400
    assert "The description is limited to 5000 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(City, city.id).description == "Short"


def test_unknown_city_gives_404(client):
    sign_in(client, make_user("coordinator"))
    assert client.get("/cities/atlantis/description").status_code == 404
    assert client.get("/cities/%00/description").status_code == 404


def test_a_coordinator_cannot_open_the_full_city_form(client):
    city = make_city()
    sign_in(client, make_user("coordinator"))
    assert client.get("/admin/cities/new").status_code == 403
    assert client.get(f"/admin/cities/{city.slug}/edit").status_code == 403


def test_services_check_the_actor_again():
    city = make_city(description="Before")
    delegate = make_user("delegate", city=city)
    coordinator = make_user("coordinator")
    with pytest.raises(PermissionDeniedError):
        services.update_city_description(city, "After", actor=delegate)
    with pytest.raises(PermissionDeniedError):
        services.update_city(
            city,
            services.CityDetails(
                name="X", country_code="IT", time_zone="Europe/Rome", languages=["it"]
            ),
            actor=coordinator,
        )
    with pytest.raises(PermissionDeniedError):
        services.link_twins(city, make_city(), 2000, actor=coordinator)
    db.session.expire_all()
    assert db.session.get(City, city.id).description == "Before"
    # Without an actor (the command line, the demo loader) the old signature still works.
    services.update_city_description(city, "After")
    assert city.description == "After"
