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
