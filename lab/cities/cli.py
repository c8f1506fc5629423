"""``flask cities ...``: manage cities, twin links and agreements from the command line."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select

from lab.cities import services
from lab.cities.models import City
from lab.core.errors import DomainError
from lab.extensions import db


@click.group("cities")
def cities_group() -> None:
    """Manage cities, twin links and agreements."""


@cities_group.command("list")
def list_cities() -> None:
    """List the cities with their slugs."""
    for city in db.session.scalars(select(City).order_by(City.name)):
        member = f"member since {city.member_since}" if city.member_since else "partner"
        click.echo(
            f"{city.slug:24} {city.name:28} {city.country_code}  {city.time_zone:28} {member}"
        )


@cities_group.command("add")
@click.option("--name", required=True)
@click.option("--country", "country_code", required=True, help="ISO 3166 code, e.g. IT")
@click.option("--time-zone", required=True, help="IANA name, e.g. Europe/Rome")
@click.option("--language", "languages", multiple=True, required=True, help="BCP 47 tag")
@click.option("--official-name", default="")
@click.option("--latitude", default=None)
@click.option("--longitude", default=None)
@click.option("--description", default="")
@click.option("--member-since", type=click.DateTime(["%Y-%m-%d"]), default=None)
def add_city(**options: object) -> None:
    """Add a city."""
    member_since = options.pop("member_since")
    details = services.CityDetails(
        member_since=member_since.date() if member_since else None,  # type: ignore[attr-defined]
        **options,  # type: ignore[arg-type]
    )
    try:
        city = services.create_city(details)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Added {city.name} as /cities/{city.slug}")


@cities_group.command("link")
@click.argument("first_slug")
@click.argument("second_slug")
@click.option("--since", "since_year", type=int, required=True, help="Year the twinning began")
def link(first_slug: str, second_slug: str, since_year: int) -> None:
    """Record that two cities are twinned."""
    try:
        first, second = services.get_city(first_slug), services.get_city(second_slug)
        services.link_twins(first, second, since_year)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Linked {first.name} and {second.name} since {since_year}")


@cities_group.command("agreement")
@click.option("--title", required=True)
@click.option("--signed-on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--description", default="")
@click.argument("signatory_slugs", nargs=-1, required=True)
def agreement(title: str, signed_on: date, description: str, signatory_slugs: tuple[str]) -> None:
    """Record an agreement signed by the given cities."""
    try:
        cities = [services.get_city(slug) for slug in signatory_slugs]
        created = services.create_agreement(title, signed_on.date(), cities, description)  # type: ignore[attr-defined]
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Recorded {created.title} with {len(cities)} signatories")
