"""Read-side queries for lists of practices: filtered, searched, sorted, counted and paginated.

Visibility is part of every query (:func:`lab.practices.permissions.visible_practices`), never a
filter applied afterwards, so a draft cannot leak through a list, a count or a facet. Adoptions sit
above practices, so the adoption table is read through the metadata rather than its model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from math import ceil
from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import contains_eager, raiseload, selectinload

from lab.auth.models import DELEGATE
from lab.auth.permissions import is_staff
from lab.cities.models import City
from lab.extensions import db
from lab.practices.facets import FACETS, STATUSES
from lab.practices.models import Practice, practice_theme
from lab.practices.permissions import visibility_key, visible_practices
from lab.search.services import matching
from lab.search.text import query_words
from lab.search.viewer import viewer_for
from lab.taxonomy.models import Theme

PER_PAGE = 20
QUERY_MAX = 300  # characters of a search kept (the search itself uses at most eight words)
SORTS = ("newest", "updated", "adopted")
RELEVANCE = "relevance"  # the default order while searching
VOCABULARY_FACETS = ("asset_type", "reuse_type", "financing_model")
AnySelect = Select[*tuple[Any, ...]]


def can_filter_by_status(user: Any) -> bool:
    """Who may see drafts in lists, and so filter by status: staff, and a city's delegates."""
    if is_staff(user):
        return True
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == DELEGATE
        and user.city_id is not None
    )


@dataclass(frozen=True)
class CityOption:
    """A city as a facet value."""

    id: int
    slug: str
    name: str
    country_code: str


@dataclass(frozen=True)
class ThemeOption:
    """A theme as a facet value."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class FacetOptions:
    """The cities and themes a list can be narrowed to (two small queries)."""

    cities: list[CityOption]
    themes: list[ThemeOption]

    @property
    def countries(self) -> list[str]:
        """The country codes of the cities, without duplicates."""
        return sorted({city.country_code for city in self.cities})

    def city(self, slug: str | None) -> CityOption | None:
        """The city with this slug, or None."""
        return next((c for c in self.cities if c.slug == slug), None) if slug else None

    def city_by_id(self, city_id: int | None) -> CityOption | None:
        """The city with this id, or None."""
        return next((c for c in self.cities if c.id == city_id), None)

    def theme(self, slug: str | None) -> ThemeOption | None:
        """The theme with this slug, or None."""
        return next((t for t in self.themes if t.slug == slug), None) if slug else None


def facet_options() -> FacetOptions:
    """Live cities by name and live themes in their order."""
    cities = [
        CityOption(row.id, row.slug, row.name, row.country_code)
        for row in db.session.execute(
            select(City.id, City.slug, City.name, City.country_code)
            .where(City.deleted_at.is_(None))
            .order_by(City.name, City.id)
        )
    ]
    themes = [
        ThemeOption(row.id, row.slug, row.name)
        for row in db.session.execute(
            select(Theme.id, Theme.slug, Theme.name)
            .where(Theme.deleted_at.is_(None))
            .order_by(Theme.position, Theme.name, Theme.id)
        )
    ]
    return FacetOptions(cities, themes)


@dataclass(frozen=True)
class ListFilters:
    """What a list of practices is narrowed to, searched for and sorted by (all known values)."""

    q: str = ""
    city: CityOption | None = None
    country: str | None = None
    theme: ThemeOption | None = None
    asset_type: str | None = None
    reuse_type: str | None = None
    financing_model: str | None = None
    validated: bool = False
    status: str | None = None
    sort: str = "newest"
    page: int = 1
    searching: bool = False  # the search has at least one word

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this list (only what is set), with some values changed."""
        values: dict[str, Any] = {
            "q": self.q,
            "city": self.city.slug if self.city else None,
            "country": self.country,
            "theme": self.theme.slug if self.theme else None,
            "asset_type": self.asset_type,
            "reuse_type": self.reuse_type,
            "financing_model": self.financing_model,
            "validated": "yes" if self.validated else None,
            "status": self.status,
            "sort": None if self.sort == default_sort(self.searching) else self.sort,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}

    def form_data(self) -> dict[str, str]:
        """The values the filter form shows."""
        return {
            "q": self.q,
            "city": self.city.slug if self.city else "",
            "country": self.country or "",
            "theme": self.theme.slug if self.theme else "",
            "asset_type": self.asset_type or "",
            "reuse_type": self.reuse_type or "",
            "financing_model": self.financing_model or "",
            "validated": "yes" if self.validated else "",
            "status": self.status or "",
            "sort": self.sort,
        }


def default_sort(searching: bool) -> str:
    """Relevance while searching, newest first otherwise."""
    return RELEVANCE if searching else "newest"


def sorts(searching: bool) -> tuple[str, ...]:
    """The orders a list may be sorted by."""
    return (RELEVANCE, *SORTS) if searching else SORTS


def page_number(raw: str | None) -> int:
    """A page number from the query string: anything that is not a number is page 1."""
    try:
        return int((raw or "1").strip())
    except ValueError:
        return 1


def read_filters(args: Mapping[str, str], options: FacetOptions, user: Any) -> ListFilters:
    """The filters of a query string; unknown or forbidden values are ignored, never an error."""
    q = " ".join((args.get("q") or "").split())[:QUERY_MAX]
    searching = bool(query_words(q))
    country = (args.get("country") or "").upper()
    vocabulary = {
        column: value if value in FACETS[column][0] else None
        for column in VOCABULARY_FACETS
        for value in [args.get(column) or ""]
    }
    status = args.get("status") or ""
    sort = args.get("sort") or ""
    return ListFilters(
        q=q,
        city=options.city(args.get("city")),
        country=country if country in options.countries else None,
        theme=options.theme(args.get("theme")),
        validated=args.get("validated") == "yes",
        status=status if status in STATUSES and can_filter_by_status(user) else None,
        sort=sort if sort in sorts(searching) else default_sort(searching),
        page=page_number(args.get("page")),
        searching=searching,
        **vocabulary,
    )


def _live_adoptions() -> Any:
    """The adoption table (read through the metadata: adoptions sit above practices)."""
    return db.metadata.tables.get("adoption")


def adoption_count() -> Any:
    """A correlated subquery: the number of live adoptions of the practice in the outer query."""
    adoption = _live_adoptions()
    if adoption is None:
        return literal_column("0")
    return (
        select(func.count(adoption.c.id))
        .where(
            adoption.c.practice_id == Practice.id,
            adoption.c.deleted_at.is_(None),
            adoption.c.hidden_at.is_(None),
        )
        .correlate(Practice)
        .scalar_subquery()
    )


def adoption_counts(practice_ids: list[int]) -> dict[int, int]:
    """Live adoptions per practice, for the practices of one page (one grouped query)."""
    adoption = _live_adoptions()
    if adoption is None or not practice_ids:
        return {}
    rows = db.session.execute(
        select(adoption.c.practice_id, func.count(adoption.c.id))
        .where(
            adoption.c.practice_id.in_(practice_ids),
            adoption.c.deleted_at.is_(None),
            adoption.c.hidden_at.is_(None),
        )
        .group_by(adoption.c.practice_id)
    )
    return {int(practice_id): int(count) for practice_id, count in rows}


def _conditions(user: Any, filters: ListFilters, skip: str = "") -> list[ColumnElement[bool]]:
    """Visibility, liveness, then each filter (except ``skip``, for that facet's own counts)."""
    conditions: list[ColumnElement[bool]] = [
        visible_practices(user),
        Practice.deleted_at.is_(None),
        Practice.hidden_at.is_(None),
        City.deleted_at.is_(None),
    ]
    if filters.city and skip != "city":
        conditions.append(Practice.city_id == filters.city.id)
    if filters.country and skip != "country":
        conditions.append(City.country_code == filters.country)
    if filters.theme and skip != "theme":
        conditions.append(
            Practice.id.in_(
                select(practice_theme.c.practice_id).where(
                    practice_theme.c.theme_id == filters.theme.id
                )
            )
        )
    for column in VOCABULARY_FACETS:
        value = getattr(filters, column)
        if value and skip != column:
            conditions.append(getattr(Practice, column) == value)
    if filters.validated and skip != "validated":
        conditions.append(Practice.validated_at.is_not(None))
    if filters.status and skip != "status":
        conditions.append(Practice.status == filters.status)
    return conditions


def _matched(user: Any, filters: ListFilters) -> Subquery | None:
    """The practices matching the search (with their score), visible to the user, or None."""
    if not filters.searching:
        return None
    # Practices are never members-only documents: no need to look up the user's workspaces.
    ranked = matching(filters.q, viewer_for(user, with_workspaces=False), kinds=["practice"])
    return ranked.subquery("matched") if ranked is not None else None


def _filtered(
    statement: AnySelect,
    user: Any,
    filters: ListFilters,
    matched: Subquery | None,
    skip: str = "",
) -> AnySelect:
    statement = statement.join(City, City.id == Practice.city_id)
    if matched is not None:
        statement = statement.join(matched, matched.c.object_id == Practice.id)
    return statement.where(*_conditions(user, filters, skip))


def _order(filters: ListFilters, matched: Subquery | None) -> list[Any]:
    newest = func.coalesce(Practice.published_at, Practice.created_at)
    if filters.sort == RELEVANCE and matched is not None:
        return [matched.c.score.desc(), Practice.id.desc()]
    if filters.sort == "updated":
        return [Practice.updated_at.desc(), Practice.id.desc()]
    if filters.sort == "adopted":
        return [adoption_count().desc(), newest.desc(), Practice.id.desc()]
    return [newest.desc(), Practice.id.desc()]


def facet_counts(
    user: Any, filters: ListFilters, matched: Subquery | None = None
) -> dict[str, dict[str, int]]:
    """How many practices each facet value would give, with the other filters kept (one query).

    One ``UNION ALL`` of one grouped query per facet; each leaves out its own facet's filter, so a
    chosen city still shows how many practices the other cities have.
    """
    # Each row of a branch is one practice (a practice's themes are distinct), so a plain count
    # is exact, and cheaper than counting distinct ids.
    count = func.count(Practice.id).label("n")

    def branch(facet: str, value: Any) -> AnySelect:
        statement: AnySelect = select(
            literal_column(f"'{facet}'", String).label("facet"),
            cast(value, String).label("value"),
            count,
        ).select_from(Practice)
        return statement

    branches = [
        # Grouped by the text of the id: grouping by the column itself leads SQLite to walk the
        # city index and read every practice row, not the covering listing index.
        _filtered(branch("city", Practice.city_id), user, filters, matched, "city").group_by(
            cast(Practice.city_id, String)
        ),
        _filtered(branch("country", City.country_code), user, filters, matched, "country").group_by(
            City.country_code
        ),
        # Themes count the links of the practices that pass the other filters: the practices are
        # chosen from the listing index, never by reading each linked practice's (wide) row.
        select(
            literal_column("'theme'", String).label("facet"),
            cast(practice_theme.c.theme_id, String).label("value"),
            func.count().label("n"),
        )
        .where(
            practice_theme.c.practice_id.in_(
                _filtered(select(Practice.id), user, filters, matched, "theme")
            )
        )
        .group_by(practice_theme.c.theme_id),
        *(
            _filtered(branch(column, getattr(Practice, column)), user, filters, matched, column)
            .where(getattr(Practice, column).is_not(None))
            .group_by(getattr(Practice, column))
            for column in VOCABULARY_FACETS
        ),
        _filtered(
            branch("validated", literal_column("'yes'", String)),
            user,
            filters,
            matched,
            "validated",
        ).where(Practice.validated_at.is_not(None)),
    ]
    if can_filter_by_status(user):
        branches.append(
            _filtered(branch("status", Practice.status), user, filters, matched, "status").group_by(
                Practice.status
            )
        )
    counts: dict[str, dict[str, int]] = {}
    for facet, value, n in db.session.execute(union_all(*branches)):
        if value is not None and n:
            counts.setdefault(facet, {})[str(value)] = int(n)
    return counts


class _PageOfRows(SelectPagination):
    """A page found among narrow ids (from the listing index), then only its rows read whole.

    Sorting every visible practice with its Markdown to keep twenty is what made a list page slow
    on a large data set; the ids are sorted instead, in the same query, as a subquery.
    """

    def _query_items(self) -> list[Any]:
        key = self._query_args.get("cache_key")
        known = _PAGE_IDS.get(key) if key is not None else None
        if known is not None:
            chosen: Any = list(known)
        else:
            ids = self._query_args["ids"].limit(self.per_page).offset(self._query_offset)
            chosen = ids.scalar_subquery()
        statement = self._query_args["select"].where(Practice.id.in_(chosen))
        items = list(self._query_args["session"].execute(statement).unique().scalars())
        if key is not None and known is None:
            _PAGE_IDS.put(key, tuple(item.id for item in items))
        return items


@dataclass
class PracticeList:
    """One page of practices with what the list page shows around them."""

    page: Pagination
    filters: ListFilters
    adoption_counts: dict[int, int] = field(default_factory=dict)
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)


def practice_list(
    user: Any, filters: ListFilters, per_page: int = PER_PAGE, with_counts: bool = True
) -> PracticeList:
    """A page of the practices the user may see, filtered, searched and sorted.

    A constant number of queries whatever the number of practices: the total, the page (with
    cities and covers joined), its themes, its adoption counts, and the facet counts.
    A page before the first is the first; a page after the last is the last.
    """
    matched = _matched(user, filters)
    counted = db.session.execute(
        _filtered(
            select(func.count(Practice.id), *_data_stamp()).select_from(Practice),
            user,
            filters,
            matched,
        )
    ).one()
    total = counted[0] or 0
    last = max(1, ceil(total / per_page))
    filters = replace(filters, page=min(max(1, filters.page), last))
    statement = (
        _filtered(select(Practice), user, filters, matched)
        .options(
            contains_eager(Practice.city),
            selectinload(Practice.themes),
            raiseload(Practice.authors),
            raiseload(Practice.tags),
            raiseload(Practice.validated_by),
        )
        .order_by(*_order(filters, matched))
    )
    stamp = tuple(counted[1:])
    page = _PageOfRows(
        select=statement,
        # Which practices a page shows is derived data too (not the "most adopted" order: it
        # moves with adoptions, which the stamp does not see).
        cache_key=None
        if filters.sort == "adopted"
        else (visibility_key(user), filters, per_page, stamp),
        ids=_filtered(select(Practice.id), user, filters, matched).order_by(
            *_order(filters, matched)
        ),
        session=db.session,
        page=filters.page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=False,
    )
    page.total = total
    return PracticeList(
        page=page,
        filters=filters,
        adoption_counts=adoption_counts([p.id for p in page.items]),
        facet_counts=_cached_facet_counts(user, filters, matched, stamp) if with_counts else {},
    )


# Facet counts are derived data: the same viewer class, filters and data give the same counts.
# Computing them walks every visible practice once per facet (about 60 ms on 20,000 practices),
# so each process keeps the latest ones, keyed by a stamp of the data read in the same query as
# the total: any practice or city written since (created, edited, published, deleted, hidden,
# restored: each sets updated_at) gives a new stamp, so counts are never older than the page.
class _StampedCache:
    """A small per-process LRU of derived data; keys carry the data stamp, so no entry is ever
    served for data that changed since it was computed (old entries just age out)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        """The value stored for ``key``, or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Any, value: Any) -> None:
        """Store ``value``, forgetting the least recently used entries beyond the size."""
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_FACET_COUNTS = _StampedCache(256)
_PAGE_IDS = _StampedCache(1024)


def _data_stamp() -> list[Any]:
    """Scalar subqueries whose values change whenever a practice or a city is written."""
    practices = Practice.__table__
    cities = City.__table__
    return [
        select(func.count(practices.c.id)).scalar_subquery(),
        select(func.max(practices.c.updated_at)).scalar_subquery(),
        select(func.count(cities.c.id)).scalar_subquery(),
        select(func.max(cities.c.updated_at)).scalar_subquery(),
    ]


def _cached_facet_counts(
    user: Any, filters: ListFilters, matched: Subquery | None, stamp: tuple[Any, ...]
) -> dict[str, dict[str, int]]:
    """:func:`facet_counts`, computed once per viewer class, filters and data stamp."""
    key = (
        visibility_key(user),
        can_filter_by_status(user),
        replace(filters, page=1, sort=""),
        stamp,
    )
    found: dict[str, dict[str, int]] | None = _FACET_COUNTS.get(key)
    if found is not None:
        return found
    counts = facet_counts(user, filters, matched)
    _FACET_COUNTS.put(key, counts)
    return counts


def recent_practices(user: Any, limit: int = 6) -> list[Practice]:
    """The most recently published practices (for the home page; one query).

    The newest ids are found on an index first, so only their rows are read whole.
    """
    conditions = (
        visible_practices(user),
        Practice.status == "published",
        Practice.deleted_at.is_(None),
        Practice.hidden_at.is_(None),
        City.deleted_at.is_(None),
    )
    # A published practice always has its publication date (set when first published, never
    # cleared), so the newest are found backwards along the (status, published_at) index.
    ids = (
        select(Practice.id)
        .join(City, City.id == Practice.city_id)
        .where(*conditions)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
        .limit(limit)
    )
    statement = (
        select(Practice)
        .join(City, City.id == Practice.city_id)
        .where(Practice.id.in_(ids.scalar_subquery()))
        .options(
            contains_eager(Practice.city),
            raiseload(Practice.themes),
            raiseload(Practice.authors),
            raiseload(Practice.tags),
            raiseload(Practice.validated_by),
        )
        .order_by(
            func.coalesce(Practice.published_at, Practice.created_at).desc(), Practice.id.desc()
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement).unique())
