"""Twinning events: list and upcoming feed, event page, .ics, editing, agenda, delegations."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import groupby
from typing import Any

from babel.dates import format_interval
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from slugify import slugify
from sqlalchemy import select
from werkzeug.wrappers import Response

from lab.auth.models import COORDINATOR, User
from lab.auth.services import city_choices
from lab.cities.models import City
from lab.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from lab.core.forms import options, show_domain_error
from lab.core.i18n import local_date
from lab.core.permissions import require
from lab.events import ics, permissions, queries, services
from lab.events.forms import (
    AgendaItemForm,
    DelegationForm,
    EventForm,
    LinkPracticeForm,
    LinkWorkspaceForm,
    MoveForm,
    event_form_data,
)
from lab.events.models import AgendaItem, Event
from lab.events.sections import register_sections
from lab.extensions import db, login_manager

bp = Blueprint("events", __name__, url_prefix="/events")


def event_dates(event: Any) -> str:
    """ "4–7 April 2022" in the interface language (one day: the date alone)."""
    if event.starts_on == event.ends_on:
        return local_date(event.starts_on)
    locale = get_locale() or "en"
    return str(format_interval(event.starts_on, event.ends_on, "yMMMMd", locale=locale))


def agenda_time(value: time | None) -> str:
    """A local time of day, as the interface language writes it."""
    return "" if value is None else str(format_time(value, "short", rebase=False))


def endpoint_exists(endpoint: str) -> bool:
    """Whether another part of the Lab offers this page yet (e.g. a workspace page)."""
    return endpoint in current_app.view_functions


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Template helpers and predicates; the city page's events section."""
    state.app.jinja_env.globals.update(
        can_manage_events=permissions.can_manage_events,
        can_manage_event=permissions.can_manage_event,
        can_register_delegation=permissions.can_register_delegation,
        can_register_for_city=permissions.can_register_for_city,
        event_dates=event_dates,
        agenda_time=agenda_time,
        event_endpoint_exists=endpoint_exists,
    )
    register_sections()


def _actor() -> User:
    return current_user._get_current_object()


def _signed_in() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def _event_or_404(event_id: int) -> Event:
    event = queries.load_event(event_id)
    if event is None:
        abort(404)
    require(permissions.can_view_event, current_user, event, not_found=True)
    return event


def _managed(event_id: int) -> Event:
    """Load → 404 unless live → sign in → 403 unless a coordinator."""
    event = _event_or_404(event_id)
    _signed_in()
    require(permissions.can_manage_event, current_user, event)
    return event


def _show_url(event: Event, anchor: str | None = None) -> str:
    return url_for("events.show", event_id=event.id, _anchor=anchor)


def _site_url() -> str:
    return str(current_app.config.get("SITE_URL") or request.host_url)


def _absolute(event: Event) -> str:
    return url_for("events.show", event_id=event.id, _external=True)


# Reading


@bp.get("/")
def index() -> str:
    """Upcoming events first, then past ones; optionally those a city hosts or takes part in."""
    city = None
    slug = request.args.get("city", "")
    if slug and "\x00" not in slug:  # PostgreSQL refuses NUL in text
        city = db.session.scalar(select(City).where(City.slug == slug[:80]))
    lists = queries.event_lists(city)
    cities = db.session.execute(
        select(City.slug, City.name).where(City.deleted_at.is_(None)).order_by(City.name)
    ).all()
    return render_template(
        "events/index.html", lists=lists, cities=cities, chosen=city.slug if city else ""
    )


def _agenda_days(event: Event) -> list[tuple[date, list[AgendaItem]]]:
    items = sorted(event.agenda, key=lambda i: (i.day, i.position, i.id))
    return [(day, list(group)) for day, group in groupby(items, key=lambda i: i.day)]


@bp.get("/<int:event_id>")
def show(event_id: int) -> str:
    """The event's public page: dates, place, agenda by day, delegations, workspaces, practices."""
    event = _event_or_404(event_id)
    return render_template(
        "events/show.html",
        event=event,
        days=_agenda_days(event),
        workspaces=queries.linked_workspaces(event, current_user),
        practices=queries.linked_practices(event, current_user),
        is_over=permissions.is_over(event),
    )


def _calendar_response(body: bytes, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<int:event_id>.ics", endpoint="ics")
def ics_file(event_id: int) -> Response:
    """The event and its timed agenda items as an iCalendar file."""
    event = _event_or_404(event_id)
    body = ics.calendar_for([(event, _absolute(event))], _site_url(), name=event.title)
    return _calendar_response(body, f"{slugify(event.title, max_length=60) or 'event'}.ics")


@bp.get("/upcoming.ics")
def feed() -> Response:
    """Every upcoming event, for calendar applications to subscribe to."""
    events = queries.upcoming_events()
    body = ics.calendar_for(
        [(event, _absolute(event)) for event in events],
        _site_url(),
        name=_("Heritage Living Lab: twinning events"),
    )
    return _calendar_response(body, "heritage-living-lab-events.ics")


# Writing and editing events


def _event_form(event: Event | None) -> EventForm:
    if request.method == "POST":
        form = EventForm()
    elif event is not None:
        form = EventForm(data=event_form_data(event))
    else:
        form = EventForm()
    form.host_city_id.choices = options([("", _("Choose a city")), *city_choices()])
    return form


def _event_input(form: EventForm) -> services.EventInput:
    return services.EventInput(
        title=form.title.data or "",
        host_city_id=form.host_city_id.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        place=form.place.data or "",
        description=form.description.data or "",
    )


def _render_form(
    form: EventForm, event: Event | None, status: int, conflict: dict[str, Any] | None = None
) -> tuple[str, int]:
    return render_template("events/form.html", form=form, event=event, conflict=conflict), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    """Create an event (coordinators)."""
    _signed_in()
    require(permissions.can_manage_events, current_user)
    form = _event_form(None)
    if form.validate_on_submit():
        try:
            event = services.create_event(_actor(), _event_input(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The event is created. Add its agenda next."), "success")
            return redirect(url_for("events.agenda", event_id=event.id), code=303)
    return _render_form(form, None, 400 if form.is_submitted() else 200)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int) -> Response | tuple[str, int]:
    """Edit an event; if someone saved it meanwhile, say so (409) and keep the editor's input."""
    event = _managed(event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            services.update_event(_actor(), event, _event_input(form), form.started_from())
        except ConflictError as error:
            db.session.refresh(event)
            form.version.data = str(event.version)
            conflict = {"message": error.message, "saved": services.snapshot(event)}
            return _render_form(form, event, 409, conflict)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_show_url(event), code=303)
    return _render_form(form, event, 400 if form.is_submitted() else 200)


@bp.post("/<int:event_id>/delete")
def delete(event_id: int) -> Response:
    """Delete an event (softly)."""
    event = _managed(event_id)
    services.delete_event(_actor(), event)
    flash(_("The event %(title)s is deleted.", title=event.title), "success")
    return redirect(url_for("events.index"), code=303)


# The agenda


def _day_choices(event: Event) -> list[Any]:
    days = [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]
    return options([(day.isoformat(), local_date(day, "full")) for day in days])


def _render_agenda(
    event: Event, form: AgendaItemForm | None = None, status: int = 200
) -> tuple[str, int]:
    if form is None:
        form = AgendaItemForm(formdata=None)
    form.day.choices = _day_choices(event)
    return (
        render_template(
            "events/agenda.html", event=event, days=_agenda_days(event), form=form,
        ),
        status,
    )  # fmt: skip


@bp.get("/<int:event_id>/agenda")
def agenda(event_id: int) -> tuple[str, int]:
    """The coordinators' agenda editor: add, remove and reorder items."""
    return _render_agenda(_managed(event_id))


@bp.post("/<int:event_id>/agenda")
def add_agenda_item(event_id: int) -> Response | tuple[str, int]:
    """Add an item to the agenda."""
    event = _managed(event_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        data = services.AgendaItemInput(
            day=form.day.data,
            title=form.title.data or "",
            starts_at=form.starts_at.data or "",
            ends_at=form.ends_at.data or "",
            speaker=form.speaker.data or "",
        )
        try:
            services.add_agenda_item(_actor(), event, data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The item is added to the agenda."), "success")
            return redirect(url_for("events.agenda", event_id=event.id), code=303)
    return _render_agenda(event, form, 400)


@bp.post("/<int:event_id>/agenda/<int:item_id>/delete")
def remove_agenda_item(event_id: int, item_id: int) -> Response:
    """Take an item off the agenda."""
    event = _managed(event_id)
    try:
        services.remove_agenda_item(_actor(), event, item_id)
    except NotFoundError:
        abort(404)
    flash(_("The item is removed from the agenda."), "success")
    return redirect(url_for("events.agenda", event_id=event.id), code=303)


@bp.post("/<int:event_id>/agenda/<int:item_id>/move")
def move_agenda_item(event_id: int, item_id: int) -> Response | tuple[str, int]:
    """Move an item one place up or down within its day."""
    event = _managed(event_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Choose to move the item up or down."), "error")
        return _render_agenda(event, status=400)
    try:
        services.move_agenda_item(_actor(), event, item_id, form.direction.data or "")
    except NotFoundError:
        abort(404)
    return redirect(
        url_for("events.agenda", event_id=event.id, _anchor=f"item-{item_id}"), code=303
    )


# Linked workspaces and practices


def _render_links(
    event: Event,
    workspace_form: LinkWorkspaceForm | None = None,
    practice_form: LinkPracticeForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    workspace_form = workspace_form or LinkWorkspaceForm(formdata=None)
    practice_form = practice_form or LinkPracticeForm(formdata=None)
    workspace_form.workspace_id.choices = options(
        [("", _("Choose a workspace")), *queries.workspace_choices(event, current_user)]
    )
    practice_form.practice_id.choices = options(
        [("", _("Choose a practice")), *queries.practice_choices(event, current_user)]
    )
    return (
        render_template(
            "events/links.html",
            event=event,
            workspaces=queries.linked_workspaces(event, current_user),
            practices=queries.linked_practices(event, current_user),
            workspace_form=workspace_form,
            practice_form=practice_form,
        ),
        status,
    )


@bp.get("/<int:event_id>/links")
def links(event_id: int) -> tuple[str, int]:
    """The coordinators' page for the event's workspaces and practices."""
    return _render_links(_managed(event_id))


@bp.post("/<int:event_id>/workspaces")
def link_workspace(event_id: int) -> Response | tuple[str, int]:
    """Link a workspace."""
    event = _managed(event_id)
    form = LinkWorkspaceForm()
    if form.validate_on_submit():
        try:
            services.link_workspace(_actor(), event, form.workspace_id.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The workspace is linked to the event."), "success")
            return redirect(url_for("events.links", event_id=event.id), code=303)
    return _render_links(event, workspace_form=form, status=400)


@bp.post("/<int:event_id>/workspaces/<int:workspace_id>/delete")
def unlink_workspace(event_id: int, workspace_id: int) -> Response:
    """Remove a workspace from the event."""
    event = _managed(event_id)
    services.unlink_workspace(_actor(), event, workspace_id)
    flash(_("The workspace is no longer linked to the event."), "success")
    return redirect(url_for("events.links", event_id=event.id), code=303)


@bp.post("/<int:event_id>/practices")
def link_practice(event_id: int) -> Response | tuple[str, int]:
    """Link a practice."""
    event = _managed(event_id)
    form = LinkPracticeForm()
    if form.validate_on_submit():
        try:
            services.link_practice(_actor(), event, form.practice_id.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The practice is linked to the event."), "success")
            return redirect(url_for("events.links", event_id=event.id), code=303)
    return _render_links(event, practice_form=form, status=400)


@bp.post("/<int:event_id>/practices/<int:practice_id>/delete")
def unlink_practice(event_id: int, practice_id: int) -> Response:
    """Remove a practice from the event."""
    event = _managed(event_id)
    services.unlink_practice(_actor(), event, practice_id)
    flash(_("The practice is no longer linked to the event."), "success")
    return redirect(url_for("events.links", event_id=event.id), code=303)


# Delegations


def _registering(event_id: int) -> Event:
    event = _event_or_404(event_id)
    _signed_in()
    require(permissions.can_register_delegation, current_user, event)
    return event


def _delegation_city(raw: object) -> City | None:
    """The city a delegation is for: a delegate's own; the one a coordinator chose."""
    actor = _actor()
    if actor.role != COORDINATOR:
        return actor.city
    try:
        city_id = int(str(raw))
    except ValueError:
        return None
    return db.session.get(City, city_id)


def _render_delegation(
    event: Event, city: City | None, form: DelegationForm | None = None, status: int = 200
) -> tuple[str, int]:
    delegates = services.city_delegates(city.id) if city else []
    existing = services.delegation_of(event, city.id) if city else None
    if form is None:
        chosen = [m.user_id for m in existing.members] if existing else []
        if not chosen and _actor().city_id == (city.id if city else None):
            chosen = [_actor().id]
        form = DelegationForm(
            formdata=None,
            data={
                "city_id": str(city.id) if city else "",
                "member_ids": chosen,
                "note": existing.note if existing else "",
            },
        )
    form.member_ids.choices = options([(user.id, user.display_name) for user in delegates])
    return (
        render_template(
            "events/delegation.html",
            event=event,
            city=city,
            existing=existing,
            form=form,
            cities=city_choices() if _actor().role == COORDINATOR else [],
        ),
        status,
    )


@bp.route("/<int:event_id>/delegation", methods=["GET", "POST"])
def delegation(event_id: int) -> Response | tuple[str, int]:
    """Register (or change) a city's delegation: a delegate for their city, a coordinator for any."""
    event = _registering(event_id)
    if request.method == "GET":
        return _render_delegation(event, _delegation_city(request.args.get("city", "")))
    form = DelegationForm()
    city = _delegation_city(form.city_id.data or "")
    if form.validate_on_submit():
        data = services.DelegationInput(
            city_id=city.id if city else form.chosen_city(),
            member_ids=list(form.member_ids.data or []),
            note=form.note.data or "",
        )
        if _actor().role != COORDINATOR and form.chosen_city() not in (None, data.city_id):
            data.city_id = form.chosen_city()  # a delegate sending another city: refused below
        try:
            services.register_delegation(_actor(), event, data)
        except PermissionDeniedError as error:
            flash(error.message, "error")
            return _render_delegation(event, city, form, 403)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The delegation is registered."), "success")
            return redirect(_show_url(event, "delegations"), code=303)
    return _render_delegation(event, city, form, 400)


@bp.post("/<int:event_id>/delegation/<int:city_id>/withdraw")
def withdraw_delegation(event_id: int, city_id: int) -> Response:
    """Withdraw a city's delegation."""
    event = _registering(event_id)
    require(permissions.can_register_for_city, current_user, city_id)
    try:
        services.withdraw_delegation(_actor(), event, city_id)
    except NotFoundError:
        abort(404)
    flash(_("The delegation is withdrawn."), "success")
    return redirect(_show_url(event, "delegations"), code=303)
