"""Writing to the search index (inside the caller's transaction) and searching it.

Features describe what they index with :class:`Entry`; visibility is part of the entry and is
applied inside the query, never after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    delete,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)

from lab.core.types import utcnow
from lab.extensions import db
from lab.search.models import SearchDocument
from lab.search.text import fts5_query, index_words, query_words, snippet

TEXT_LIMIT = 20_000
# The FTS5 table created by migration 0004 (SQLite only); not a model on purpose.
FTS_TABLE = table("search_fts", column("rowid"))


@dataclass(frozen=True)
class Entry:
    """What a feature indexes about one of its objects."""

    kind: str
    object_id: int
    title: str
    text: str
    url: str
    visibility: str = "public"
    scope_id: int | None = None
    language: str = "en"
    city_id: int | None = None
    country_code: str | None = None
    theme_id: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class Viewer:
    """Who is searching: what beyond public documents they may find."""

    is_staff: bool = False
    city_id: int | None = None  # a delegate's city: its drafts are visible to them
    workspace_ids: frozenset[int] = field(default_factory=frozenset)


VISITOR = Viewer()


def index(entry: Entry) -> None:
    """Add or replace the document for an object (part of the caller's transaction)."""
    body = entry.text[:TEXT_LIMIT]
    values: dict[str, Any] = {
        "visibility": entry.visibility,
        "scope_id": entry.scope_id,
        "title": entry.title[:300],
        "text": body,
        "normalised": index_words(entry.title + "\n" + body),
        "language": entry.language,
        "url": entry.url[:300],
        "city_id": entry.city_id,
        "country_code": entry.country_code,
        "theme_id": entry.theme_id,
        "status": entry.status,
        "updated_at": utcnow(),
    }
    existing = db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == entry.kind, SearchDocument.object_id == entry.object_id
        )
    )
    if existing is None:
        db.session.add(SearchDocument(kind=entry.kind, object_id=entry.object_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    db.session.flush()


def remove(kind: str, object_id: int) -> None:
    """Take an object out of the index (deleted or hidden content)."""
    db.session.execute(
        delete(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.object_id == object_id
        )
    )


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """The visibility rule for documents, as a SQL condition."""
    conditions: list[ColumnElement[bool]] = [SearchDocument.visibility == "public"]
    if viewer.is_staff:
        conditions.append(SearchDocument.visibility.in_(("city", "staff")))
    elif viewer.city_id is not None:
        conditions.append(
            (SearchDocument.visibility == "city") & (SearchDocument.scope_id == viewer.city_id)
        )
    if viewer.workspace_ids:
        conditions.append(
            (SearchDocument.visibility == "members")
            & SearchDocument.scope_id.in_(sorted(viewer.workspace_ids))
        )
    return or_(*conditions)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def matching(query: str, viewer: Viewer, kinds: Sequence[str] = ()) -> Select[str, int, Any] | None:
    """``SELECT kind, object_id, score`` of the visible documents matching every word of ``query``.

    Higher scores rank first. None when the query has no words (nothing to look for).
    """
    words = query_words(query)
    if not words:
        return None
    statement: Select[str, int, Any]
    if _dialect() == "sqlite":
        statement = (
            select(
                SearchDocument.kind,
                SearchDocument.object_id,
                (-literal_column("bm25(search_fts)")).label("score"),
            )
            .select_from(SearchDocument)
            .join(FTS_TABLE, FTS_TABLE.c.rowid == SearchDocument.id)
            .where(text("search_fts MATCH :fts_query").bindparams(fts_query=fts5_query(words)))
        )
    else:
        tsquery = func.plainto_tsquery("simple", " ".join(words))
        tsv: ColumnElement[Any] = literal_column("search_document.search_fts_tsv")
        statement = select(
            SearchDocument.kind,
            SearchDocument.object_id,
            func.ts_rank(tsv, tsquery).label("score"),
        ).where(tsv.op("@@")(tsquery))
    statement = statement.where(visible_to(viewer))
    if kinds:
        statement = statement.where(SearchDocument.kind.in_(list(kinds)))
    return statement


@dataclass(frozen=True)
class Hit:
    """One search result as the results page shows it."""

    kind: str
    object_id: int
    title: str
    url: str
    snippet: Markup
    language: str
    city_id: int | None
    updated_at: Any


@dataclass(frozen=True)
class Results:
    """A page of results and how many there are in all."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages of results there are."""
        return max(1, -(-self.total // self.per_page))


def search(
    query: str,
    viewer: Viewer,
    kinds: Sequence[str] = (),
    city_id: int | None = None,
    country_code: str | None = None,
    theme_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Ranked, visibility-filtered results with highlighted snippets (two queries)."""
    ranked = matching(query, viewer, kinds)
    if ranked is None:
        return Results([], 0, 1, per_page)
    filters = []
    if city_id is not None:
        filters.append(SearchDocument.city_id == city_id)
    if country_code:
        filters.append(SearchDocument.country_code == country_code)
    if theme_id is not None:
        filters.append(SearchDocument.theme_id == theme_id)
    ranked = ranked.where(*filters) if filters else ranked
    total = db.session.scalar(select(func.count()).select_from(ranked.subquery())) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = db.session.execute(
        ranked.add_columns(
            SearchDocument.title,
            SearchDocument.text,
            SearchDocument.url,
            SearchDocument.language,
            SearchDocument.city_id,
            SearchDocument.updated_at,
        )
        .order_by(literal_column("score").desc(), SearchDocument.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    words = query_words(query)
    hits = [
        Hit(
            kind=row.kind,
            object_id=row.object_id,
            title=row.title,
            url=row.url,
            snippet=snippet(row.text, words),
            language=row.language,
            city_id=row.city_id,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return Results(hits, total, page, per_page)


def nothing() -> ColumnElement[bool]:
    """A condition that matches no row (for callers that must return an empty result)."""
    return false()
