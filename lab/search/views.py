"""The site search page over practices, discussions and workspaces."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SearchField, SelectField

from lab.cities.models import City
from lab.core.forms import options
from lab.core.languages import country_name
from lab.extensions import db
from lab.search import kinds
from lab.search.services import Hit, search
from lab.search.text import query_words
from lab.search.viewer import viewer_for

bp = Blueprint("search", __name__)

PER_PAGE = 20
QUERY_MAX = 300


class SearchForm(FlaskForm):
    """One search box with facets (a GET form: it changes nothing, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search the Lab"))
    kind = SelectField(_l("Kind"), validate_choice=False)
    city = SelectField(_l("City"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)


def _page_number(raw: str | None) -> int:
    try:
        return int((raw or "1").strip())
    except ValueError:
        return 1


def _groups(hits: list[Hit]) -> list[tuple[str, str, list[Hit]]]:
    """Hits grouped by kind, the kind of the best hit first: (kind, label, hits)."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [(kind, kinds.label_of(kind), found) for kind, found in groups.items()]


@bp.get("/search")
def index() -> str:
    """Search everything the viewer may see, ranked, with facets and highlighted extracts."""
    cities = list(
        db.session.execute(
            select(City.id, City.slug, City.name, City.country_code).order_by(City.name, City.id)
        )
    )
    # Themes sit beside search, so their table is read through the metadata.
    theme = db.metadata.tables["theme"]
    themes = list(
        db.session.execute(
            select(theme.c.id, theme.c.slug, theme.c.name)
            .where(theme.c.deleted_at.is_(None))
            .order_by(theme.c.position, theme.c.name, theme.c.id)
        )
    )
    # Unknown values are ignored: only values from these lists ever reach a query.
    known_kinds = {kind.name: kind for kind in kinds.registered()}
    city = next((c for c in cities if c.slug == request.args.get("city")), None)
    countries = sorted({c.country_code for c in cities}, key=country_name)
    country = (request.args.get("country") or "").upper()
    country = country if country in countries else ""
    chosen_theme = next((t for t in themes if t.slug == request.args.get("theme")), None)
    kind = request.args.get("kind") or ""
    kind = kind if kind in known_kinds else ""
    q = " ".join((request.args.get("q") or "").split())[:QUERY_MAX]
    args: dict[str, Any] = {
        "q": q,
        "kind": kind,
        "city": city.slug if city else "",
        "country": country,
        "theme": chosen_theme.slug if chosen_theme else "",
    }
    args = {key: value for key, value in args.items() if value}
    form = SearchForm(formdata=None, data=args)
    form.kind.choices = options(
        [("", _l("Everything")), *((k.name, k.label) for k in known_kinds.values())]
    )
    form.city.choices = options([("", _l("All cities")), *((c.slug, c.name) for c in cities)])
    form.country.choices = options(
        [("", _l("All countries")), *((code, country_name(code)) for code in countries)]
    )
    form.theme.choices = options([("", _l("All themes")), *((t.slug, t.name) for t in themes)])
    results = search(
        q,
        viewer_for(current_user),
        kinds=[kind] if kind else (),
        city_id=city.id if city else None,
        country_code=country or None,
        theme_id=chosen_theme.id if chosen_theme else None,
        page=_page_number(request.args.get("page")),
        per_page=PER_PAGE,
    )
    city_names = {c.id: c.name for c in cities}
    return render_template(
        "search/index.html",
        form=form,
        q=q,
        has_words=bool(query_words(q)),
        results=results,
        groups=_groups(results.hits),
        city_names=city_names,
        kind_label=kinds.label_of_one,
        filtered=len(args) > (1 if q else 0),
        page=_Pages(results),
        page_url=lambda number: url_for("search.index", **args, page=number),
    )


class _Pages:
    """The page of results as the pagination partial reads it."""

    def __init__(self, results: Any) -> None:
        self.page = results.page
        self.pages = results.pages
        self.has_prev = results.page > 1
        self.has_next = results.page < results.pages
        self.prev_num = results.page - 1
        self.next_num = results.page + 1
