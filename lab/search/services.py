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
# A search of everything ranks at most this many of the newest matching documents.
RANK_WINDOW = 2_000
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


def matching(
    query: str, viewer: Viewer, kinds: Sequence[str] = (), window: int | None = None
) -> Select[str, int, Any] | None:
    """``SELECT kind, object_id, score`` of the visible documents matching every word of ``query``.

    Higher scores rank first. None when the query has no words (nothing to look for).
    With ``window``, only the newest ``window`` matching documents are scored (see
    :data:`RANK_WINDOW`).
    """
    words = query_words(query)
    if not words:
        return None
    statement: Select[str, int, Any]
    if _dialect() == "sqlite":
        match = text("search_fts MATCH :fts_query").bindparams(fts_query=fts5_query(words))
        if window is None:
            statement = (
                select(
                    SearchDocument.kind,
                    SearchDocument.object_id,
                    (-literal_column("bm25(search_fts)")).label("score"),
                )
                .select_from(SearchDocument)
                .join(FTS_TABLE, FTS_TABLE.c.rowid == SearchDocument.id)
                .where(match)
            )
        else:
            # Newest first is the full-text index's own order, so the scan stops at the window
            # and bm25 is computed for those documents only.
            newest = (
                select(
                    FTS_TABLE.c.rowid.label("doc_id"),
                    (-literal_column("bm25(search_fts)")).label("score"),
                )
                .select_from(FTS_TABLE)
                .where(match)
                .order_by(FTS_TABLE.c.rowid.desc())
                .limit(window)
                .subquery("newest")
            )
            statement = select(SearchDocument.kind, SearchDocument.object_id, newest.c.score).join(
                newest, newest.c.doc_id == SearchDocument.id
            )
    else:
        tsquery = func.plainto_tsquery("simple", " ".join(words))
        tsv: ColumnElement[Any] = literal_column("search_document.search_fts_tsv")
        if window is None:
            statement = select(
                SearchDocument.kind,
                SearchDocument.object_id,
                func.ts_rank(tsv, tsquery).label("score"),
            ).where(tsv.op("@@")(tsquery))
        else:
            newest_ids = (
                select(SearchDocument.id)
                .where(tsv.op("@@")(tsquery))
                .order_by(SearchDocument.id.desc())
                .limit(window)
            )
            statement = select(
                SearchDocument.kind,
                SearchDocument.object_id,
                func.ts_rank(tsv, tsquery).label("score"),
            ).where(SearchDocument.id.in_(newest_ids.scalar_subquery()))
    statement = statement.where(visible_to(viewer))
    if kinds:
        statement = statement.where(SearchDocument.kind.in_(list(kinds)))
    return statement


def _matching_ids(words: list[str], limit: int) -> Select[Any]:
    """The ids of at most ``limit`` matching documents, whoever may see them (to tell whether a
    window was full)."""
    if _dialect() == "sqlite":
        return (
            select(FTS_TABLE.c.rowid)
            .select_from(FTS_TABLE)
            .where(text("search_fts MATCH :fts_query").bindparams(fts_query=fts5_query(words)))
            .limit(limit)
        )
    tsquery = func.plainto_tsquery("simple", " ".join(words))
    tsv: ColumnElement[Any] = literal_column("search_document.search_fts_tsv")
    return select(SearchDocument.id).where(tsv.op("@@")(tsquery)).limit(limit)


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
    capped: bool = False  # more documents match than were ranked (RANK_WINDOW): total is a floor
    window: int = RANK_WINDOW

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
    """Ranked, visibility-filtered results with highlighted snippets (two queries).

    A search of everything (no kind chosen) ranks at most the :data:`RANK_WINDOW` newest
    matching documents: a word found in most of the Lab would otherwise be scored in every one
    of them (a tenth of a second on the scale-1 data set) to show twenty. ``capped`` then says so.
    """
    window = None if kinds else RANK_WINDOW
    ranked = matching(query, viewer, kinds, window=window)
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
    counting = select(func.count()).select_from(ranked.subquery())
    capped = False
    if window is None:
        total = db.session.scalar(counting) or 0
    else:
        counted = db.session.execute(
            counting.add_columns(
                select(func.count())
                .select_from(_matching_ids(query_words(query), window).subquery())
                .scalar_subquery()
            )
        ).one()
        total = counted[0] or 0
        capped = (counted[1] or 0) >= window
    page = max(1, min(page, max(1, -(-total // per_page))))
    # The page's documents are chosen on narrow rows first; only theirs are read whole (their
    # text makes the snippets), never sorted with every match.
    top = (
        ranked.add_columns(SearchDocument.id.label("doc_id"))
        .order_by(literal_column("score").desc(), SearchDocument.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("top")
    )
    rows = db.session.execute(
        select(
            top.c.kind,
            top.c.object_id,
            SearchDocument.title,
            SearchDocument.text,
            SearchDocument.url,
            SearchDocument.language,
            SearchDocument.city_id,
            SearchDocument.updated_at,
        )
        .join(SearchDocument, SearchDocument.id == top.c.doc_id)
        .order_by(top.c.score.desc(), top.c.doc_id.desc())
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
    return Results(hits, total, page, per_page, capped, window or RANK_WINDOW)


def nothing() -> ColumnElement[bool]:
    """A condition that matches no row (for callers that must return an empty result)."""
    return false()
