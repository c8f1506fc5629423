"""Rules for cities, twin links and agreements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lab.cities import services
from lab.cities.models import City, TwinLink
from lab.core.errors import DomainError
from lab.extensions import db
from tests.factories import make_city


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country_code", "ITA", "ISO 3166"),
        ("country_code", "XX", "ISO 3166"),
        ("time_zone", "Mars/Olympus", "time zone"),
        ("languages", ["italiano"], "language tag"),
        ("languages", [], "at least one language"),
        ("name", "", "name"),
        ("name", "x" * 121, "name"),
        ("latitude", "91", "out of range"),
        ("longitude", "east", "decimal degrees"),
    ],
)
def test_bad_city_details_are_refused_and_nothing_is_saved(field, value, message):
    before = db.session.scalar(select(func.count(City.id)))
    details = {
        "name": "Valid",
        "country_code": "IT",
        "time_zone": "Europe/Rome",
        "languages": ["it"],
    }
    details[field] = value
    with pytest.raises(DomainError, match=message) as caught:
        services.create_city(services.CityDetails(**details))
    assert caught.value.field == field
    assert db.session.scalar(select(func.count(City.id))) == before


def test_language_tags_are_normalised_and_countries_upper_cased():
    city = make_city(languages=["ZH-hans", "pt-br", "it", "it"], country_code="it")
    assert city.languages == ["zh-Hans", "pt-BR", "it"]
    assert city.country_code == "IT"


def test_slugs_are_readable_and_unique():
    first = make_city(name="Iași")
    second = make_city(name="Iași")
    assert first.slug == "iasi"
    assert second.slug == "iasi-2"


def test_a_twin_link_is_stored_once_whichever_city_comes_first():
    perm, oxford = make_city(name="Perm"), make_city(name="Oxford")
    services.link_twins(oxford, perm, 1995)
    services.link_twins(perm, oxford, 1995)
    count = db.session.scalar(select(func.count(TwinLink.id)))
    assert count == 1
    assert services.twin_links_of(perm) == [(oxford, 1995)]
    assert services.twin_links_of(oxford) == [(perm, 1995)]


def test_a_city_cannot_be_twinned_with_itself_or_in_a_strange_year():
    perm, oxford = make_city(), make_city()
    with pytest.raises(DomainError, match="itself"):
        services.link_twins(perm, perm, 2000)
    with pytest.raises(DomainError, match="year"):
        services.link_twins(perm, oxford, 1492)


def test_an_agreement_needs_a_title_and_two_signatories():
    pavia = make_city()
    with pytest.raises(DomainError, match="two signatory"):
        services.create_agreement("Alone", date(2022, 4, 7), [pavia])
    with pytest.raises(DomainError, match="title"):
        services.create_agreement("  ", date(2022, 4, 7), [pavia, make_city()])


def test_agreement_is_listed_on_each_signatory():
    pavia, turku = make_city(name="Pavia"), make_city(name="Turku")
    agreement = services.create_agreement("Friendship", date(2022, 4, 7), [pavia, turku], "**Lab**")
    assert pavia.agreements == [agreement]
    assert turku.agreements == [agreement]
    assert agreement.description_html == "<p><strong>Lab</strong></p>\n"
