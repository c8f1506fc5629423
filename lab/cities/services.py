"""Use cases for cities, twin links and agreements: the only code here that writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from lab.audit.services import record
from lab.cities.models import Agreement, City, TwinLink
from lab.cities.permissions import can_edit_city, can_edit_city_description, can_manage_network
from lab.core.database import transaction
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.core.languages import is_country_code, is_time_zone, normalise_language_tag
from lab.core.markdown import render_markdown
from lab.extensions import db

DESCRIPTION_MAX = 5000


@dataclass(frozen=True)
class CityDetails:
    """What an editor may set on a city."""

    name: str
    country_code: str
    time_zone: str
    languages: Sequence[str]
    official_name: str = ""
    latitude: Decimal | float | str | None = None
    longitude: Decimal | float | str | None = None
    description: str = ""
    member_since: date | None = None


def _clean_details(details: CityDetails) -> dict[str, object]:
    """Validate and normalise city details, raising DomainError on the first problem."""
    name = details.name.strip()
    if not name or len(name) > 120:
        raise DomainError(_("A city needs a name of at most 120 characters."), "name")
    country = details.country_code.strip().upper()
    if not is_country_code(country):
        raise DomainError(_("Use a two-letter ISO 3166 country code, such as IT."), "country_code")
    if not is_time_zone(details.time_zone):
        raise DomainError(_("Use a time zone name such as Europe/Rome."), "time_zone")
    languages: list[str] = []
    for tag in details.languages:
        normalised = normalise_language_tag(tag)
        if normalised is None:
            raise DomainError(
                _("%(tag)s is not a language tag (use e.g. it, fr, pt-BR).", tag=tag), "languages"
            )
        if normalised not in languages:
            languages.append(normalised)
    if not languages:
        raise DomainError(_("Name at least one language of the city."), "languages")
    if len(details.description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    return {
        "name": name,
        "official_name": details.official_name.strip()[:200],
        "country_code": country,
        "time_zone": details.time_zone,
        "languages": languages,
        "latitude": _coordinate(details.latitude, 90, "latitude"),
        "longitude": _coordinate(details.longitude, 180, "longitude"),
        "description": details.description,
        "description_html": render_markdown(details.description),
        "member_since": details.member_since,
    }


def _coordinate(value: Decimal | float | str | None, limit: int, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise DomainError(_("Coordinates are decimal degrees, such as 45.1847."), field) from None
    if not -limit <= number <= limit:
        raise DomainError(_("Coordinates are out of range."), field)
    return number


def unique_slug(model: type[City] | type[Agreement], text: str) -> str:
    """A readable slug for ``text`` that no live row of ``model`` uses yet."""
    base = slugify(text, max_length=70) or "item"
    slug, n = base, 2
    while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_actor(allowed: bool, message: str | None = None) -> None:
    """Refuse the use case when the acting user may not do it.

    Services take the acting user as ``actor``; ``None`` means the command line or the demo loader,
    which run with the operator's authority.
    """
    if not allowed:
        raise PermissionDeniedError(message or _("Only admins change the network of cities."))


def create_city(details: CityDetails, slug: str | None = None, *, actor: Any = None) -> City:
    """Add a city to the network."""
    _check_actor(actor is None or can_manage_network(actor))
    with transaction():
        values = _clean_details(details)
        city = City(slug=slug or unique_slug(City, str(values["name"])), **values)
        db.session.add(city)
        db.session.flush()
        record("city.created", actor=actor, target=city, target_label=city.name, slug=city.slug)
    return city


def update_city(city: City, details: CityDetails, *, actor: Any = None) -> City:
    """Change a city's profile."""
    _check_actor(actor is None or can_edit_city(actor, city))
    values = _clean_details(details)
    with transaction():
        changed = sorted(key for key, value in values.items() if getattr(city, key) != value)
        for key, value in values.items():
            setattr(city, key, value)
        record("city.updated", actor=actor, target=city, target_label=city.name, fields=changed)
    return city


def update_city_description(city: City, description: str, *, actor: Any = None) -> City:
    """Change only a city's description (what coordinators may edit)."""
    _check_actor(
        actor is None or can_edit_city_description(actor, city),
        _("Only coordinators and admins edit city descriptions."),
    )
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    with transaction():
        city.description = description
        city.description_html = render_markdown(description)
        record(
            "city.updated", actor=actor, target=city, target_label=city.name, fields=["description"]
        )
    return city


def get_city(slug: str) -> City:
    """The live city with this slug, or NotFoundError."""
    city = db.session.scalar(select(City).where(City.slug == slug))
    if city is None:
        raise NotFoundError(_("There is no city %(slug)s.", slug=slug))
    return city


def _check_since_year(since_year: int) -> None:
    if not 1900 <= since_year <= date.today().year + 1:  # noqa: DTZ011 - a calendar year
        raise DomainError(_("The year the twinning began looks wrong."), "since_year")


def _record_twin_link(link: TwinLink, actor: Any) -> None:
    record(
        "twin_link.saved",
        actor=actor,
        target=link,
        target_label=f"{link.city_a.name} – {link.city_b.name}",
        since_year=link.since_year,
    )


def link_twins(first: City, second: City, since_year: int, *, actor: Any = None) -> TwinLink:
    """Record that two cities are twinned since a year (one link, shown from both sides)."""
    _check_actor(actor is None or can_manage_network(actor))
    if first.id == second.id:
        raise DomainError(_("A city cannot be twinned with itself."), "city")
    _check_since_year(since_year)
    a, b = sorted((first, second), key=lambda c: c.id)
    with transaction():
        link = db.session.scalar(
            select(TwinLink).where(TwinLink.city_a_id == a.id, TwinLink.city_b_id == b.id)
        )
        if link is None:
            link = TwinLink(city_a=a, city_b=b, since_year=since_year)
            db.session.add(link)
            db.session.flush()
        else:
            link.since_year = since_year
        _record_twin_link(link, actor)
    return link


def update_twin_link(link: TwinLink, since_year: int, *, actor: Any = None) -> TwinLink:
    """Change the year a twinning began."""
    _check_actor(actor is None or can_manage_network(actor))
    _check_since_year(since_year)
    with transaction():
        link.since_year = since_year
        _record_twin_link(link, actor)
    return link


def twin_links_of(city: City) -> list[tuple[City, int]]:
    """The city's twins with the year each link began, oldest first (one query)."""
    links = db.session.scalars(
        select(TwinLink)
        .where(or_(TwinLink.city_a_id == city.id, TwinLink.city_b_id == city.id))
        .options(joinedload(TwinLink.city_a), joinedload(TwinLink.city_b))
        .order_by(TwinLink.since_year)
    ).all()
    return [(link.partner_of(city), link.since_year) for link in links]


def _clean_agreement(
    title: str, signatories: Iterable[City], description: str
) -> tuple[str, list[City]]:
    """The trimmed title and the distinct signatories, or DomainError."""
    title = title.strip()
    if not title or len(title) > 200:
        raise DomainError(_("An agreement needs a title of at most 200 characters."), "title")
    cities = list({city.id: city for city in signatories}.values())
    if len(cities) < 2:
        raise DomainError(_("An agreement needs at least two signatory cities."), "signatories")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    return title, cities


def _record_agreement(agreement: Agreement, actor: Any) -> None:
    record(
        "agreement.saved",
        actor=actor,
        target=agreement,
        target_label=agreement.title,
        signatories=sorted(city.slug for city in agreement.signatories),
    )


def create_agreement(
    title: str,
    signed_on: date,
    signatories: Iterable[City],
    description: str = "",
    *,
    actor: Any = None,
) -> Agreement:
    """Record an agreement of the Lab with its signatory cities."""
    _check_actor(actor is None or can_manage_network(actor))
    title, cities = _clean_agreement(title, signatories, description)
    with transaction():
        agreement = Agreement(
            slug=unique_slug(Agreement, title),
            title=title,
            signed_on=signed_on,
            description=description,
            description_html=render_markdown(description),
            signatories=cities,
        )
        db.session.add(agreement)
        db.session.flush()
        _record_agreement(agreement, actor)
    return agreement


def update_agreement(
    agreement: Agreement,
    title: str,
    signed_on: date,
    signatories: Iterable[City],
    description: str = "",
    *,
    actor: Any = None,
) -> Agreement:
    """Change an agreement's title, date, description and signatories (its address stays)."""
    _check_actor(actor is None or can_manage_network(actor))
    title, cities = _clean_agreement(title, signatories, description)
    with transaction():
        agreement.title = title
        agreement.signed_on = signed_on
        agreement.description = description
        agreement.description_html = render_markdown(description)
        agreement.signatories = cities
        _record_agreement(agreement, actor)
    return agreement


def cities_by_country() -> list[tuple[str, list[City]]]:
    """All live cities grouped by country code, cities sorted by name (one query)."""
    groups: dict[str, list[City]] = {}
    for city in db.session.scalars(select(City).order_by(City.name)):
        groups.setdefault(city.country_code, []).append(city)
    return sorted(groups.items())


def member_cities() -> list[City]:
    """The Lab's member cities, by name."""
    return list(
        db.session.scalars(select(City).where(City.member_since.is_not(None)).order_by(City.name))
    )


def agreements_with_signatories() -> list[Agreement]:
    """All agreements, newest first, with their signatories loaded."""
    return list(
        db.session.scalars(
            select(Agreement)
            .options(selectinload(Agreement.signatories))
            .order_by(Agreement.signed_on.desc())
        )
    )
