"""``flask search ...``: rebuild the index from the content tables."""

from __future__ import annotations

import click
from sqlalchemy import delete

from lab.core.database import transaction
from lab.extensions import db
from lab.search import kinds
from lab.search.models import SearchDocument


@click.group("search")
def search_group() -> None:
    """The search index."""


@search_group.command("reindex")
@click.option("--kind", "only", multiple=True, help="Only these kinds (default: all).")
def reindex(only: tuple[str, ...]) -> None:
    """Index every object again (after a change in how text is indexed, or a bulk load)."""
    for name, reindex_all in sorted(kinds.reindexers().items()):
        if only and name not in only:
            continue
        with transaction():
            db.session.execute(delete(SearchDocument).where(SearchDocument.kind == name))
            count = reindex_all()
        click.echo(f"{name}: {count} indexed")
    if db.session.get_bind().dialect.name == "sqlite":
        with transaction():
            db.session.execute(db.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
