"""The list of practices: facets, sorting, full-text search and pagination in one GET form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.routing import BuildError
from wtforms import SearchField, SelectField
from wtforms.fields.choices import Choice
from wtforms.widgets import Select

from lab.core.forms import options
from lab.core.languages import country_name
from lab.practices import (
    discussion_hooks,  # noqa: F401  (practices own threads)
    notification_hooks,  # noqa: F401  (registers practices as targets)
    queries,
)
from lab.practices import services as practice_services
from lab.practices.facets import FACETS, STATUS_LABELS, facet_label
from lab.practices.models import Practice
from lab.search import kinds

bp = Blueprint("practice_list", __name__, url_prefix="/practices")

kinds.register("practice", _l("Practices"), order=10, one=_l("Practice"))
kinds.register_reindexer("practice", practice_services.reindex_all)

SORT_LABELS = {
    queries.RELEVANCE: _l("Best match"),
    "newest": _l("Newest"),
    "updated": _l("Recently updated"),
    "adopted": _l("Most adopted"),
}


def practice_link(practice: Practice) -> str:
    """The address of a practice's page (built by the practice pages when they exist)."""
    try:
        return url_for("practices.show", practice_id=practice.id, slug=practice.slug)
    except BuildError:
        return f"/practices/{practice.id}-{practice.slug}"


def practice_thumb(practice: Practice) -> str | None:
    """The address of a practice's cover thumbnail, or None without a cover."""
    if practice.cover_file_id is None:
        return None
    try:
        return url_for("practices.cover", practice_id=practice.id, variant="thumb")
    except BuildError:
        return None


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """Cards on the list, home and search pages link practices the same way."""
    state.app.jinja_env.globals.update(
        practice_link=practice_link,
        practice_thumb=practice_thumb,
        facet_label=facet_label,
        can_filter_practices_by_status=queries.can_filter_by_status,
    )


class _Select(Select):
    """WTForms' select, writing its plain options directly: the filters have a hundred or more.

    The same HTML as ``Select.render_option`` (``html_params`` sorts ``selected`` before
    ``value``), without building and sorting an attribute dict and formatting each attribute.
    """

    @classmethod
    def render_option(cls, choice: Choice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        value = str(escape(choice.value)).replace('"', "&quot;")
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704 - escaped


class PracticeFilterForm(FlaskForm):
    """Searching, narrowing and sorting the list (a GET form: it changes nothing, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search practices"))
    city = SelectField(_l("City"), validate_choice=False, widget=_Select())
    country = SelectField(_l("Country"), validate_choice=False, widget=_Select())
    theme = SelectField(_l("Theme"), validate_choice=False, widget=_Select())
    asset_type = SelectField(FACETS["asset_type"][1], validate_choice=False, widget=_Select())
    reuse_type = SelectField(FACETS["reuse_type"][1], validate_choice=False, widget=_Select())
    financing_model = SelectField(
        FACETS["financing_model"][1], validate_choice=False, widget=_Select()
    )
    validated = SelectField(_l("Validation"), validate_choice=False, widget=_Select())
    status = SelectField(_l("Status"), validate_choice=False, widget=_Select())
    sort = SelectField(_l("Sort by"), validate_choice=False, widget=_Select())


def _with_count(pattern: str, label: Any, count: int | None) -> str:
    """``pattern`` is the translated "%(label)s (%(count)d)", looked up once per select."""
    return pattern % {"label": label, "count": count} if count is not None else str(label)


def _choices(
    any_label: Any,
    values: list[tuple[str, Any]],
    counts: dict[str, int] | None,
    chosen: str,
    key: Callable[[str], str] = str,
) -> list[Any]:
    """Options for a facet: with counts, values that would give nothing are left out."""
    pattern = _("%(label)s (%(count)d)")
    pairs: list[tuple[object, object]] = [("", any_label)]
    for value, label in values:
        count = None if counts is None else counts.get(key(value), 0)
        if count == 0 and value != chosen:
            continue
        pairs.append((value, _with_count(pattern, label, count)))
    return options(pairs)


def _form(
    filters: queries.ListFilters,
    facet_options: queries.FacetOptions,
    counts: dict[str, dict[str, int]],
    show_status: bool,
) -> PracticeFilterForm:
    form = PracticeFilterForm(formdata=None, data=filters.form_data())
    by_id = {str(city.id): city.slug for city in facet_options.cities}
    city_counts = {by_id[k]: n for k, n in counts.get("city", {}).items() if k in by_id}
    theme_ids = {str(theme.id): theme.slug for theme in facet_options.themes}
    theme_counts = {theme_ids[k]: n for k, n in counts.get("theme", {}).items() if k in theme_ids}
    data = filters.form_data()
    form.city.choices = _choices(
        _l("All cities"),
        [(c.slug, c.name) for c in facet_options.cities],
        city_counts,
        data["city"],
    )
    countries = sorted(facet_options.countries, key=country_name)
    form.country.choices = _choices(
        _l("All countries"),
        [(code, country_name(code)) for code in countries],
        counts.get("country", {}),
        data["country"],
    )
    form.theme.choices = _choices(
        _l("All themes"),
        [(t.slug, t.name) for t in facet_options.themes],
        theme_counts,
        data["theme"],
    )
    for column in queries.VOCABULARY_FACETS:
        getattr(form, column).choices = _choices(
            _l("Any"),
            [(value, label) for value, label in FACETS[column][0].items()],
            counts.get(column, {}),
            data[column],
        )
    form.validated.choices = _choices(
        _l("Validated or not"),
        [("yes", _l("Validated by the coordinators"))],
        counts.get("validated", {}),
        data["validated"],
    )
    if show_status:
        form.status.choices = _choices(
            _l("Any status"),
            list(STATUS_LABELS.items()),
            counts.get("status", {}),
            data["status"],
        )
    form.sort.choices = options(
        [(sort, SORT_LABELS[sort]) for sort in queries.sorts(filters.searching)]
    )
    return form


def _active_filters(
    filters: queries.ListFilters,
) -> list[tuple[Any, str, str]]:
    """(facet label, value label, address without it) for each filter in use."""
    base = "practice_list.index"
    active: list[tuple[Any, str, str]] = []
    if filters.q:
        active.append((_l("Search"), filters.q, url_for(base, **filters.args(q=None, page=None))))
    if filters.city:
        active.append(
            (_l("City"), filters.city.name, url_for(base, **filters.args(city=None, page=None)))
        )
    if filters.country:
        active.append(
            (
                _l("Country"),
                country_name(filters.country),
                url_for(base, **filters.args(country=None, page=None)),
            )
        )
    if filters.theme:
        active.append(
            (_l("Theme"), filters.theme.name, url_for(base, **filters.args(theme=None, page=None)))
        )
    for column in queries.VOCABULARY_FACETS:
        value = getattr(filters, column)
        if value:
            active.append(
                (
                    FACETS[column][1],
                    facet_label(column, value),
                    url_for(base, **filters.args(**{column: None, "page": None})),
                )
            )
    if filters.validated:
        active.append(
            (
                _l("Validation"),
                _("Validated"),
                url_for(base, **filters.args(validated=None, page=None)),
            )
        )
    if filters.status:
        active.append(
            (
                _l("Status"),
                str(STATUS_LABELS[filters.status]),
                url_for(base, **filters.args(status=None, page=None)),
            )
        )
    return active


@bp.get("/")
def index() -> str:
    """List the practices the viewer may see, narrowed by facets and a search, sorted, paged."""
    facet_options = queries.facet_options()
    filters = queries.read_filters(request.args, facet_options, current_user)
    result = queries.practice_list(current_user, filters)
    filters = result.filters
    show_status = queries.can_filter_by_status(current_user)
    return render_template(
        "practices/list.html",
        result=result,
        page=result.page,
        filters=filters,
        form=_form(filters, facet_options, result.facet_counts, show_status),
        show_status=show_status,
        active_filters=_active_filters(filters),
        clear_url=url_for("practice_list.index"),
        page_url=lambda number: url_for("practice_list.index", **filters.args(page=number)),
        sort_label=SORT_LABELS[filters.sort],
    )
