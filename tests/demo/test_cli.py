"""``flask demo load``: the demo world from the source articles, loaded once."""

from __future__ import annotations

import os
import secrets
from datetime import date

import pytest
from flask.cli import FlaskGroup
from sqlalchemy import func, select

from lab import create_app
from lab.cities import services
from lab.cities.models import Agreement, City, TwinLink
from lab.extensions import db, limiter

FOUNDED = date(2022, 4, 7)
MEMBERS = {"pavia", "grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim", "salamanca",
           "turku"}  # fmt: skip
PERM_TWINS = [
    ("amneville-les-thermes", 1992),
    ("louisville", 1994),
    ("oxford", 1995),
    ("qingdao", 2003),
    ("duisburg", 2007),
    ("agrigento", 2012),
]


def counts() -> tuple[int, int, int]:
    """How many cities, twin links and agreements the database holds."""
    return (
        db.session.scalar(select(func.count(City.id))),
        db.session.scalar(select(func.count(TwinLink.id))),
        db.session.scalar(select(func.count(Agreement.id))),
    )


def test_demo_load_creates_the_member_cities_perm_and_its_twins(runner):
    before = counts()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded: 15 cities, 6 twin links, 1 agreements" in result.output
    assert counts() == (before[0] + 15, before[1] + 6, before[2] + 1)

    members = services.member_cities()
    assert {city.slug for city in members} >= MEMBERS
    for city in members:
        if city.slug in MEMBERS:
            assert city.member_since == FOUNDED, city.slug

    perm = services.get_city("perm")
    assert perm.member_since is None  # a partner, not a member
    assert [(twin.slug, year) for twin, year in services.twin_links_of(perm)] == PERM_TWINS
    louisville = services.get_city("louisville")
    assert [(twin.slug, year) for twin, year in services.twin_links_of(louisville)] == [
        ("perm", 1994)
    ]


def test_demo_load_records_the_friendship_agreement_with_eight_signatories(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.title == "CultCities Friendship Agreement")
    )
    assert agreement is not None
    assert agreement.signed_on == FOUNDED
    assert {city.slug for city in agreement.signatories} == MEMBERS
    assert "<strong>Culture and Heritage Living Lab</strong>" in agreement.description_html
    assert agreement in services.get_city("turku").agreements
    assert agreement not in services.get_city("perm").agreements


def test_demo_load_twice_adds_nothing_the_second_time(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    after_first = counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present; nothing added." in second.output
    assert counts() == after_first


def test_demo_pages_show_the_network(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    home = client.get("/").get_data(as_text=True)
    members = home[home.index("Member cities") :]
    for name in ("Pavia", "Grand Poitiers", "Coimbra", "Iași", "Besançon", "Hildesheim",
                 "Salamanca", "Turku"):  # fmt: skip
        assert name in members
    perm = client.get("/cities/perm").get_data(as_text=True)
    for name, year in (("Oxford", 1995), ("Qingdao", 2003), ("Agrigento", 2012)):
        assert name in perm and f"since {year}" in perm


@pytest.fixture
def production_app(monkeypatch, tmp_path):
    """A well-configured production app on a SQLite file that does not exist yet."""
    for name in list(os.environ):
        if name.startswith(("LAB_", "FLASK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("LAB_ENV", "production")
    monkeypatch.setenv("LAB_SECRET_KEY", secrets.token_urlsafe(48))
    database = tmp_path / "production.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    saved_limiter = dict(vars(limiter))  # init_app changes the limiter every app shares
    app = create_app()
    yield app, database
    with app.app_context():
        db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved_limiter)


@pytest.mark.own_app
def test_demo_load_is_refused_in_production(production_app):
    app, database = production_app
    # Run as ``flask demo load`` runs: through Flask's command group, which loads the app.
    result = app.test_cli_runner().invoke(FlaskGroup(load_dotenv=False), args=["demo", "load"])
    assert result.exit_code != 0
    assert "Refusing to load demo data into a production database" in result.output
    assert not database.exists(), "the production database was touched"
