"""Administration of the network: cities, twin links and agreements (admins only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lab.audit.models import AuditEvent
from lab.cities import services
from lab.cities.models import Agreement, City, TwinLink
from lab.extensions import db
from tests.admin.pages import parse, text_of
from tests.factories import make_city, make_user, sign_in

PAVIA = {
    "name": "Pavia",
    "official_name": "Comune di Pavia",
    "country_code": "it",
    "languages": "it, lmo",
    "time_zone": "Europe/Rome",
    "latitude": "45.1847",
    "longitude": "9.1582",
    "description": "A **university** town.",
    "member_since": "2022-04-07",
}


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _city_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(City.id))) or 0


def test_admin_adds_a_city_with_every_field(client):
    admin = make_user("admin", display_name="Ada Admin")
    sign_in(client, admin)
    assert client.get("/admin/cities/new").status_code == 200

    response = client.post("/admin/cities/new", data=PAVIA)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cities/pavia")
    city = db.session.scalar(select(City).where(City.slug == "pavia"))
    assert city is not None
    assert (city.name, city.official_name, city.country_code) == ("Pavia", "Comune di Pavia", "IT")
    assert city.languages == ["it", "lmo"]
    assert city.time_zone == "Europe/Rome"
    assert str(city.latitude) == "45.184700" and str(city.longitude) == "9.158200"
    assert city.member_since == date(2022, 4, 7)
    assert "<strong>university</strong>" in city.description_html
    [event] = _events("city.created")
    assert event.actor_id == admin.id and event.target_label == "Pavia"
    assert "Pavia" in text_of(client.get("/admin/cities"))


def test_a_bad_country_code_shows_the_message_and_creates_nothing(client):
    sign_in(client, make_user("admin"))
    before = _city_count()
    response = client.post("/admin/cities/new", data={**PAVIA, "country_code": "XX"})
    assert response.status_code == 400
    assert "Use a two-letter ISO 3166 country code, such as IT." in text_of(response)
    assert _city_count() == before
    assert _events("city.created") == []


def test_other_bad_fields_each_get_their_message(client):
    sign_in(client, make_user("admin"))
    before = _city_count()
    cases = {
        "languages": ("klingon!", "is not a language tag"),
        "latitude": ("north", "Coordinates are decimal degrees"),
        "longitude": ("200", "Coordinates are out of range."),
        "time_zone": ("Mars/Olympus", "Use a time zone name such as Europe/Rome."),
        "name": ("", "This field is required."),
    }
    for field, (value, message) in cases.items():
        response = client.post("/admin/cities/new", data={**PAVIA, field: value})
        assert response.status_code == 400, field
        assert message in text_of(response), field
    assert _city_count() == before


def test_admin_edits_a_city_and_its_address_stays(client):
    admin = make_user("admin")
    city = make_city(name="Turku", country_code="FI", time_zone="Europe/Helsinki", languages=["fi"])
    sign_in(client, admin)
    form = parse(client.get(f"/admin/cities/{city.slug}/edit"))
    assert ("input", "Turku") in [(tag, attrs.get("value")) for tag, attrs in form.elements]

    data = {
        **PAVIA,
        "name": "Turku / Åbo",
        "country_code": "FI",
        "languages": "fi, sv",
        "time_zone": "Europe/Helsinki",
        "member_since": "",
    }
    response = client.post(f"/admin/cities/{city.slug}/edit", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    edited = db.session.get(City, city.id)
    assert edited.name == "Turku / Åbo" and edited.slug == city.slug
    assert edited.languages == ["fi", "sv"] and edited.member_since is None
    [event] = _events("city.updated")
    assert event.actor_id == admin.id and "name" in event.details["fields"]


def test_unknown_city_gives_404(client):
    sign_in(client, make_user("admin"))
    assert client.get("/admin/cities/atlantis/edit").status_code == 404
    assert client.post("/admin/cities/atlantis/edit", data=PAVIA).status_code == 404


def test_a_coordinator_cannot_add_or_edit_cities(client):
    city = make_city()
    sign_in(client, make_user("coordinator"))
    assert client.get("/admin/cities/new").status_code == 403
    assert client.post("/admin/cities/new", data=PAVIA).status_code == 403
    assert client.get(f"/admin/cities/{city.slug}/edit").status_code == 403
    assert client.post(f"/admin/cities/{city.slug}/edit", data=PAVIA).status_code == 403
    db.session.expire_all()
    assert db.session.get(City, city.id).name == city.name


def test_admin_twins_two_cities_and_changes_the_year(client):
    admin = make_user("admin")
    perm, oxford = make_city(name="Perm"), make_city(name="Oxford")
    sign_in(client, admin)

    response = client.post(
        "/admin/twin-links", data={"city": perm.id, "partner": oxford.id, "since_year": "1995"}
    )
    assert response.status_code == 303
    link = db.session.scalar(select(TwinLink))
    assert link is not None and link.since_year == 1995
    page = text_of(client.get("/admin/twin-links"))
    assert "Oxford" in page and "Perm" in page

    changed = client.post(
        f"/admin/twin-links/{link.id}", data={f"link-{link.id}-since_year": "1996"}
    )
    assert changed.status_code == 303
    db.session.expire_all()
    assert db.session.get(TwinLink, link.id).since_year == 1996
    assert [e.details["since_year"] for e in _events("twin_link.saved")] == [1995, 1996]
    assert all(e.actor_id == admin.id for e in _events("twin_link.saved"))


def test_bad_twin_links_are_refused_with_a_message(client):
    perm, oxford = make_city(name="Perm"), make_city(name="Oxford")
    services.link_twins(perm, oxford, 1995)
    link = db.session.scalar(select(TwinLink))
    sign_in(client, make_user("admin"))

    itself = client.post(
        "/admin/twin-links", data={"city": perm.id, "partner": perm.id, "since_year": "2000"}
    )
    assert itself.status_code == 400
    assert "A city cannot be twinned with itself." in text_of(itself)

    ancient = client.post(
        f"/admin/twin-links/{link.id}", data={f"link-{link.id}-since_year": "1492"}
    )
    assert ancient.status_code == 400
    assert "The year the twinning began looks wrong." in text_of(ancient)

    unknown = client.post(
        "/admin/twin-links", data={"city": "999999", "partner": perm.id, "since_year": "2000"}
    )
    assert unknown.status_code == 400
    assert (
        client.post("/admin/twin-links/999999", data={"link-999999-since_year": "2000"}).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.scalar(select(func.count(TwinLink.id))) == 1
    assert db.session.get(TwinLink, link.id).since_year == 1995


def test_admin_records_and_edits_an_agreement(client):
    admin = make_user("admin")
    pavia, turku, coimbra = (
        make_city(name="Pavia"),
        make_city(name="Turku"),
        make_city(name="Coimbra"),
    )
    sign_in(client, admin)

    one = client.post(
        "/admin/agreements/new",
        data={"title": "Friendship", "signed_on": "2022-04-07", "signatories": [pavia.id]},
    )
    assert one.status_code == 400
    assert "An agreement needs at least two signatory cities." in text_of(one)
    assert db.session.scalar(select(func.count(Agreement.id))) == 0

    created = client.post(
        "/admin/agreements/new",
        data={
            "title": "Friendship Agreement",
            "signed_on": "2022-04-07",
            "signatories": [pavia.id, turku.id],
            "description": "Signed in *Pavia*.",
        },
    )
    assert created.status_code == 303
    agreement = db.session.scalar(select(Agreement))
    assert agreement is not None
    assert "Friendship Agreement" in text_of(client.get("/admin/agreements"))

    page = parse(client.get(f"/admin/agreements/{agreement.id}/edit"))
    assert sorted(page.selected["signatories"]) == sorted([str(pavia.id), str(turku.id)])

    edited = client.post(
        f"/admin/agreements/{agreement.id}/edit",
        data={
            "title": "CultCities Friendship Agreement",
            "signed_on": "2022-04-08",
            "signatories": [pavia.id, turku.id, coimbra.id],
            "description": "",
        },
    )
    assert edited.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Agreement, agreement.id)
    assert saved.title == "CultCities Friendship Agreement"
    assert saved.signed_on == date(2022, 4, 8)
    assert {c.name for c in saved.signatories} == {"Pavia", "Turku", "Coimbra"}
    events = _events("agreement.saved")
    assert len(events) == 2 and all(e.actor_id == admin.id for e in events)
    assert "Coimbra" in text_of(client.get(f"/cities/{coimbra.slug}"))
    assert client.get("/admin/agreements/999999/edit").status_code == 404


def test_network_pages_are_for_admins(client):
    sign_in(client, make_user("coordinator"))
    for path in (
        "/admin/cities",
        "/admin/twin-links",
        "/admin/agreements",
        "/admin/agreements/new",
    ):
        assert client.get(path).status_code == 403, path


def test_an_edit_missing_a_field_is_refused_rather_than_filled_from_the_city(client):
    city = make_city(name="Turku")
    sign_in(client, make_user("admin"))
    data = {k: v for k, v in PAVIA.items() if k != "name"}
    response = client.post(f"/admin/cities/{city.slug}/edit", data=data)
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert client.post(f"/admin/cities/{city.slug}/edit", data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(City, city.id).country_code == "IT"
