"""``flask demo load`` also loads the themes, the practices of the articles, an illustrative
heritage-reuse practice for each CultCities town, and Perm's adoptions; a second run adds nothing."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select

from lab.adoptions import services as adoption_services
from lab.adoptions.models import Adoption
from lab.auth.models import User
from lab.cities import services as cities
from lab.cities.models import City
from lab.extensions import db
from lab.practices import services as practices
from lab.practices.models import Practice
from lab.taxonomy import services as taxonomy
from lab.taxonomy.models import Theme

CULTCITIES = {"pavia", "grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim", "salamanca",
              "turku"}  # fmt: skip
FROM_THE_ARTICLES = {
    ("A city call centre: one number for residents' questions and requests", "louisville"),
    ("Public meetings with the mayor", "louisville"),
    ("Extreme Park: a public park for extreme sports", "louisville"),
    ("Community centres in the districts", "oxford"),
    ("Ars Vivendi: workshops for people with disabilities", "duisburg"),
    ("Sicily Russian Week (La Settimana Russa)", "agrigento"),
}
THEMES = {
    "Circular business models",
    "Financing models",
    "Governance and participation",
    "Adaptive reuse of buildings",
    "Intangible heritage and festivals",
    "Youth and education",
    "Social inclusion",
    "Public services and citizen participation",
}
SECTIONS = ("challenge", "solution", "stakeholders", "resources", "results", "transferability",
            "lessons")  # fmt: skip
FACETS = ("asset_type", "business_model", "financing_model", "governance_model")


def _demo_practices() -> list[tuple[Practice, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Practice, City.slug).join(City, Practice.city_id == City.id).order_by(Practice.id)
    )
    return [(practice, slug) for practice, slug in rows]


def _counts(include_deleted: bool = False) -> tuple[int, int, int]:
    """How many practices, themes and adoptions there are (live ones, or all)."""
    db.session.expire_all()
    return (
        db.session.scalar(
            select(func.count(Practice.id)).execution_options(include_deleted=include_deleted)
        )
        or 0,
        db.session.scalar(
            select(func.count(Theme.id)).execution_options(include_deleted=include_deleted)
        )
        or 0,
        db.session.scalar(
            select(func.count(Adoption.id)).execution_options(include_deleted=include_deleted)
        )
        or 0,
    )


def test_demo_load_creates_the_themes_and_the_practices_of_the_articles(runner):
    started = time.perf_counter()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 10, "the demo loader must stay fast"
    assert "8 themes, 14 practices, 5 adoptions" in result.output

    assert {theme.name for theme in db.session.scalars(select(Theme))} >= THEMES
    loaded = _demo_practices()
    assert {(p.title, slug) for p, slug in loaded} >= FROM_THE_ARTICLES
    for practice, slug in loaded:
        assert practice.status == "published" and practice.published_at is not None, slug
        assert practice.language == "en"
        for section in SECTIONS:
            assert len(getattr(practice, section)) > 80, (practice.title, section)
            assert practice.section_html(section).startswith("<p>"), (practice.title, section)
        for facet in FACETS:
            assert getattr(practice, facet), (practice.title, facet)
        assert practice.themes, practice.title
        assert practice.tags, practice.title
        assert practice.authors, practice.title
        if (practice.title, slug) in FROM_THE_ARTICLES:
            assert not practice.is_illustrative, practice.title
            assert "Source:" in practice.results


def test_the_articles_practices_are_written_by_the_demo_accounts(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    by_title = {practice.title: practice for practice, _slug in _demo_practices()}
    festival = by_title["Sicily Russian Week (La Settimana Russa)"]
    assert [a.user.email for a in festival.authors] == ["delegate.agrigento@lab.example"]
    call_centre = by_title["A city call centre: one number for residents' questions and requests"]
    assert [a.user.email for a in call_centre.authors] == ["coordinator@lab.example"]
    assert call_centre.city.slug == "louisville"
    assert {theme.slug for theme in call_centre.themes} == {
        "public-services-and-citizen-participation",
        "governance-and-participation",
    }


def test_each_cultcities_town_has_an_illustrative_heritage_reuse_practice(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    illustrative: dict[str, list[Practice]] = {}
    for practice, slug in _demo_practices():
        if practice.is_illustrative:
            illustrative.setdefault(slug, []).append(practice)
    assert set(illustrative) == CULTCITIES  # and nobody else's practice is marked illustrative
    for slug, written in illustrative.items():
        for practice in written:
            assert practice.summary.startswith("Illustrative example:"), slug
            assert practice.reuse_type and practice.protection_status, slug
            assert [a.user.city_id for a in practice.authors] == [practice.city_id], slug
            assert practice.period_start is not None and practice.is_ongoing


def test_demo_practices_are_public_pages(runner, client, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    if "practices.show" not in {rule.endpoint for rule in app.url_map.iter_rules()}:
        return  # the practice page has not landed yet; the model checks above still hold
    for practice, _slug in _demo_practices():
        response = client.get(f"/practices/{practice.id}-{practice.slug}")
        assert response.status_code == 200, practice.title
        page = response.get_data(as_text=True)
        assert practice.title.replace("'", "&#39;") in page, practice.title
        if practice.is_illustrative:
            assert "Illustrative example" in page, practice.title


PERM_LEARNED = {
    "A city call centre: one number for residents' questions and requests": (
        "louisville",
        "adapted",
    ),
    "Public meetings with the mayor": ("louisville", "inspired"),
    "Extreme Park: a public park for extreme sports": ("louisville", "copied"),
    "Community centres in the districts": ("oxford", "inspired"),
    "Ars Vivendi: workshops for people with disabilities": ("duisburg", "adapted"),
}


def _perm_adoptions() -> list[Adoption]:
    db.session.expire_all()
    perm = cities.get_city("perm")
    return list(
        db.session.scalars(
            select(Adoption).where(Adoption.city_id == perm.id).order_by(Adoption.id)
        )
    )


def test_perm_adopted_what_the_article_says_it_learned_from_its_twins(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    adoptions = _perm_adoptions()
    learned = {
        adoption.practice.title: (adoption.practice.city.slug, adoption.how)
        for adoption in adoptions
    }
    assert learned == PERM_LEARNED
    delegate = db.session.scalar(select(User).where(User.email == "delegate.perm@lab.example"))
    for adoption in adoptions:
        assert adoption.stage == "adopted", adoption.practice.title
        assert adoption.started_on == date(2018, 4, 29)
        assert adoption.recorded_by_id == delegate.id
        assert adoption.changes_html.startswith("<p>")
        outcomes = [update for update in adoption.updates if update.outcome]
        assert outcomes and all(u.happened_on == date(2018, 4, 29) for u in outcomes)
    # Perm is the only adopter; nobody adopted an illustrative practice.
    assert db.session.scalar(select(func.count(Adoption.id))) == len(adoptions)


def test_perms_adoptions_show_on_the_practice_and_city_pages(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    extreme_park = next(
        adoption.practice
        for adoption in _perm_adoptions()
        if adoption.practice.title.startswith("Extreme Park")
    )
    page = client.get(f"/practices/{extreme_park.id}-{extreme_park.slug}")
    assert page.status_code == 200
    assert "Perm" in page.get_data(as_text=True)
    perm = client.get("/cities/perm").get_data(as_text=True)
    for title in PERM_LEARNED:
        assert title.replace("'", "&#39;") in perm, title


def test_demo_load_twice_adds_no_practice_theme_or_adoption(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = _counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present; nothing added." in second.output
    assert _counts() == first


def test_a_demo_practice_theme_or_adoption_removed_since_is_not_brought_back(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    practice, _slug = _demo_practices()[0]
    practices.delete_practice(practice.authors[0].user, practice)
    theme = db.session.scalar(select(Theme).where(Theme.slug == "financing-models"))
    taxonomy.delete_theme(theme)
    delegate = db.session.scalar(select(User).where(User.email == "delegate.perm@lab.example"))
    adoption_services.withdraw_adoption(delegate, _perm_adoptions()[-1])
    live, everything = _counts(), _counts(include_deleted=True)

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo data already present; nothing added." in result.output
    assert _counts() == live and _counts(include_deleted=True) == everything
