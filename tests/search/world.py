"""A small world of practices for list and search tests: three countries, two themes, facets,
validated and draft practices, and adoptions (written to the adoption table directly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lab.adoptions.models import Adoption
from lab.extensions import db
from lab.practices import services
from tests.factories import make_city, make_practice, make_theme, make_user


@dataclass
class World:
    """The cities, themes, delegates and practices by short name."""

    cities: dict[str, Any]
    themes: dict[str, Any]
    delegates: dict[str, Any]
    practices: dict[str, Any]
    coordinator: Any


def adopt(practice: Any, city: Any, stage: str = "exploring") -> Adoption:
    """Record that a city adopts a practice (straight into the ledger's table)."""
    adoption = Adoption(practice_id=practice.id, city_id=city.id, how="adapted", stage=stage)
    db.session.add(adoption)
    db.session.commit()
    return adoption


def build() -> World:
    """Pavia (IT), Iași (RO) and Coimbra (PT); four published practices and two drafts."""
    cities = {
        "pavia": make_city(name="Pavia", country_code="IT", slug="pavia"),
        "iasi": make_city(
            name="Iași",
            country_code="RO",
            time_zone="Europe/Bucharest",
            languages=["ro"],
            official_name="Municipiul Iași",
            slug="iasi",
        ),
        "coimbra": make_city(
            name="Coimbra",
            country_code="PT",
            time_zone="Europe/Lisbon",
            languages=["pt"],
            official_name="Município de Coimbra",
            slug="coimbra",
        ),
    }
    themes = {"financing": make_theme("Financing", 1), "circular": make_theme("Circular", 2)}
    delegates = {name: make_user("delegate", city=city) for name, city in cities.items()}
    coordinator = make_user("coordinator")
    practices = {
        "convent": make_practice(
            delegates["pavia"],
            title="Il convento diventa centro culturale",
            summary="A former convent in the città vecchia becomes a cultural centre.",
            language="it",
            challenge="An empty **convent** in the historic centre.",
            solution="A cooperative of young artists runs it; the cloister hosts concerts.",
            asset_type="religious_building",
            reuse_type="cultural_centre",
            financing_model="eu_funds",
            theme_ids=[themes["financing"].id],
        ),
        "warehouse": make_practice(
            delegates["pavia"],
            title="Riverside warehouse creative hub",
            summary="Makers share a riverside warehouse by the Ticino.",
            challenge="A derelict warehouse.",
            solution="Crowdfunded workshops for makers and a weekly repair café.",
            asset_type="industrial_site",
            reuse_type="creative_hub",
            financing_model="crowdfunding",
            theme_ids=[themes["circular"].id],
        ),
        "palace": make_practice(
            delegates["iasi"],
            title="Workshops in the Palace of Culture",
            summary="Students of Iași restore furniture in the palace's old workshops.",
            language="en",
            challenge="Unused workshops in a protected palace.",
            solution="Restoration workshops with students, financed by EU funds.",
            asset_type="civic_building",
            reuse_type="education",
            financing_model="eu_funds",
            theme_ids=[themes["financing"].id, themes["circular"].id],
        ),
        "library": make_practice(
            delegates["coimbra"],
            title="A library in the old college",
            summary="The university town turns a college into a public library.",
            language="en",
            challenge="An empty college building.",
            solution="The municipal budget pays for a public library and reading garden.",
            asset_type="religious_building",
            reuse_type="museum",
            financing_model="municipal_budget",
        ),
        "pavia_draft": make_practice(
            delegates["pavia"],
            status="draft",
            title="Secret convent draft",
            summary="Not ready: a second convent plan.",
            challenge="Another convent.",
            solution="Still a convent plan.",
            asset_type="religious_building",
            reuse_type="cultural_centre",
            financing_model="eu_funds",
            theme_ids=[themes["financing"].id],
        ),
        "iasi_draft": make_practice(
            delegates["iasi"],
            status="draft",
            title="Hidden Iași draft",
            summary="Not ready: a plan for the Iași riverside.",
            challenge="A riverside convent.",
            solution="To be written.",
            asset_type="industrial_site",
            reuse_type="creative_hub",
            financing_model="crowdfunding",
        ),
    }
    services.set_validated(coordinator, practices["convent"], True)
    services.set_validated(coordinator, practices["palace"], True)
    return World(cities, themes, delegates, practices, coordinator)
