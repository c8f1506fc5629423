"""``flask demo load``: the demo world for a fresh start (refused in production)."""

from __future__ import annotations

import click
from flask import current_app

from lab.demo.loader import demo_credentials, load_demo


@click.group("demo")
def demo_group() -> None:
    """Demo data drawn from the source articles."""


@demo_group.command("load")
def load() -> None:
    """Load the demo world; safe to run again (it adds only what is missing)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Refusing to load demo data into a production database.")
    added = load_demo()
    if any(added.values()):
        click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in added.items()))
    else:
        click.echo("Demo data already present; nothing added.")
    click.echo("\nDemo accounts (sign in at /signin):")
    for role, email, password in demo_credentials():
        click.echo(f"  {role:18} {email:36} {password}")


@demo_group.command("bulk")
@click.option(
    "--scale",
    type=click.FloatRange(min=0.01, max=10),
    default=1.0,
    show_default=True,
    help="1: 20,000 practices, 300,000 comments...; 0.1 for quick runs, 2 for stress.",
)
@click.option("--seed", type=int, default=None, help="The same seed gives the same data.")
def bulk(scale: float, seed: int | None) -> None:
    """Fill an EMPTY database with a large, deterministic data set (for benchmarks)."""
    from lab.demo import bulk as bulk_data

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Refusing to load demo data into a production database.")
    seed = bulk_data.DEFAULT_SEED if seed is None else seed
    click.echo(f"Loading the bulk data set at scale {scale:g} (seed {seed})...")
    bulk_data.load_bulk(scale, seed)
    click.echo(
        f"\nEvery generated account's password: {bulk_data.BULK_PASSWORD}"
        f" (e.g. admin1@{bulk_data.EMAIL_DOMAIN}, young1@{bulk_data.EMAIL_DOMAIN})."
    )
    click.echo("Benchmark pages:")
    for name, path in bulk_data.benchmark_targets().items():
        click.echo(f"  {name:24} {path}")
