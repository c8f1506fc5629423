"""Moderation pages: reporting an item, the review queue and its decisions, thread locks and slow
mode, suspensions from the queue, and the moderation log (read only: no route changes it)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from lab.auth.models import User
from lab.core.errors import DomainError, NotFoundError
from lab.core.forms import show_domain_error
from lab.core.permissions import require
from lab.core.security import safe_redirect_target
from lab.discussion import owners
from lab.discussion.models import Thread
from lab.extensions import db
from lab.moderation import (
    notification_targets,  # noqa: F401 - registers "flag", "moderation"
    permissions,
    services,
    targets,
)
from lab.moderation.forms import (
    ACTION_LABELS,
    LOG_KIND_LABELS,
    REASON_LABELS,
    RESOLUTION_LABELS,
    SLOW_MODE_CHOICES,
    DecisionForm,
    FlagForm,
    LockForm,
    LogFilterForm,
    SlowModeForm,
    SuspendForm,
)

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
QUEUE_PER_PAGE = 20
LOG_PER_PAGE = 50


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """Templates ask the same questions as the views; the flag link's contract is ``can_flag``."""
    state.app.jinja_env.globals.update(
        can_flag=permissions.can_flag,
        is_moderator=permissions.is_moderator,
        can_moderate=permissions.can_moderate,
        moderation_kind_label=targets.kind_label,
        moderation_reason_labels=REASON_LABELS,
        moderation_action_labels=ACTION_LABELS,
        moderation_resolution_labels=RESOLUTION_LABELS,
        moderation_slow_mode_labels=SLOW_MODE_CHOICES,
    )


@bp.before_app_request
def _count_waiting_items() -> None:
    """For coordinators, how many items wait in the queue (the navigation shows it).

    Loaded once per request, before the view; a database that fails here leaves the count out
    and lets the view (or the error page) answer.
    """
    if request.endpoint in (None, "static"):
        return
    try:
        if permissions.is_moderator(current_user):
            g.moderation_queue_count = services.queue_count()
    except SQLAlchemyError:
        db.session.rollback()


def _actor() -> User:
    return current_user._get_current_object()


def _moderator() -> None:
    require(permissions.is_moderator, current_user)


def _acting_moderator() -> None:
    require(permissions.can_moderate, current_user)


def _known_kind(kind: str) -> None:
    if targets.target_kind(kind) is None:
        abort(404)


F = TypeVar("F", bound=FlaskForm)


def _ids(form: F, suffix: str) -> F:
    """Give a form's fields ids of their own (several forms share a page; names stay plain)."""
    for form_field in form:
        form_field.id = f"{form_field.name}-{suffix}"
        form_field.label.field_id = form_field.id
    return form


def _decision_form(kind: str, target_id: int, formdata: bool = False) -> DecisionForm:
    form = DecisionForm() if formdata else DecisionForm(formdata=None)
    return _ids(form, f"{kind}-{target_id}")


def _suspend_form(user_id: int, formdata: bool = False) -> SuspendForm:
    form = SuspendForm() if formdata else SuspendForm(formdata=None)
    return _ids(form, f"suspend-{user_id}")


def _back(fallback: str) -> str:
    return safe_redirect_target(request.form.get("next"), fallback)


# Flagging


@bp.route("/flag/<kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
def flag(kind: str, target_id: int) -> Response | tuple[str, int]:
    """Report a comment, topic or practice to the coordinators, with a reason."""
    _known_kind(kind)
    target = targets.load_target(kind, target_id)
    handler = targets.target_kind(kind)
    if target is None or handler is None or not handler.can_view(current_user, target.obj):
        abort(404)
    require(permissions.can_flag, current_user, kind, target_id)
    form = FlagForm()
    refusal: str | None = None
    try:
        services.flaggable(_actor(), kind, target_id)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        refusal = error.message
    if refusal is None and form.validate_on_submit():
        try:
            services.flag(_actor(), kind, target_id, form.reason.data or "", form.text.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Thank you. The Lab's coordinators will review your report."), "success")
            return redirect(target.url or url_for("home.index"), code=303)
    status = 200 if request.method == "GET" else 400
    return render_template(
        "moderation/flag.html", target=target, form=form, refusal=refusal
    ), status


# The queue


def _render_queue(page_number: int, status: int = 200) -> tuple[str, int]:
    page = services.queue_page(page_number, QUEUE_PER_PAGE)
    forms = {(item.kind, item.id): _decision_form(item.kind, item.id) for item in page.items}
    return render_template("moderation/queue.html", page=page, forms=forms), status


def _page_number() -> int:
    try:
        return int((request.args.get("page") or "1").strip())
    except ValueError:
        return 1


@bp.get("")
@login_required
def queue() -> tuple[str, int]:
    """Reported items with their reasons and reporters, the longest waiting first."""
    _moderator()
    return _render_queue(_page_number())


def _render_item(
    kind: str,
    target_id: int,
    status: int = 200,
    *,
    decision_form: DecisionForm | None = None,
    suspend_forms: dict[int, SuspendForm] | None = None,
) -> tuple[str, int]:
    try:
        target, flags = services.queue_item(kind, target_id)
    except NotFoundError:
        abort(404)
    thread = services.thread_by_id(target.thread_id) if target.thread_id else None
    decision_form = decision_form or _decision_form(kind, target_id)
    suspend_forms = dict(suspend_forms or {})
    for author in target.authors:
        suspend_forms.setdefault(author.id, _suspend_form(author.id))
    return (
        render_template(
            "moderation/item.html",
            target=target,
            flags=flags,
            open_flags=[f for f in flags if f.resolved_at is None],
            thread=thread,
            form=decision_form,
            suspend_forms=suspend_forms,
        ),
        status,
    )


@bp.get("/items/<kind>/<int:target_id>")
@login_required
def item(kind: str, target_id: int) -> tuple[str, int]:
    """One reported item: every report on it, the decisions, its thread and its authors."""
    _moderator()
    _known_kind(kind)
    return _render_item(kind, target_id)


def _decide(kind: str, target_id: int, decision: Any, done: str) -> Response | tuple[str, int]:
    """Run one decision from the queue or the item page; a refusal shows the item page (400)."""
    _acting_moderator()
    _known_kind(kind)
    if targets.load_target(kind, target_id) is None:
        abort(404)
    form = _decision_form(kind, target_id, formdata=True)
    if form.validate_on_submit():
        try:
            decision(_actor(), kind, target_id, form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(done, "success")
            return redirect(_back(url_for("moderation.queue")), code=303)
    return _render_item(kind, target_id, 400, decision_form=form)


@bp.post("/items/<kind>/<int:target_id>/hide")
@login_required
def hide(kind: str, target_id: int) -> Response | tuple[str, int]:
    """Hide the item with a reason its author sees; its open reports are resolved."""
    return _decide(kind, target_id, services.hide, _("The item is hidden. Its author sees why."))


@bp.post("/items/<kind>/<int:target_id>/restore")
@login_required
def restore(kind: str, target_id: int) -> Response | tuple[str, int]:
    """Show a hidden item again; its open reports are resolved."""
    return _decide(kind, target_id, services.restore, _("The item is visible again."))


@bp.post("/items/<kind>/<int:target_id>/dismiss")
@login_required
def dismiss(kind: str, target_id: int) -> Response | tuple[str, int]:
    """Close the reports on an item and leave it as it is."""
    return _decide(kind, target_id, services.dismiss, _("The reports are dismissed."))


@bp.post("/items/<kind>/<int:target_id>/authors/<int:user_id>/suspend")
@login_required
def suspend(kind: str, target_id: int, user_id: int) -> Response | tuple[str, int]:
    """Suspend the author of a reported item until a date, with a reason they see."""
    _acting_moderator()
    _known_kind(kind)
    target = targets.load_target(kind, target_id)
    if target is None or user_id not in target.author_ids:
        abort(404)
    person = db.get_or_404(User, user_id)
    form = _suspend_form(user_id, formdata=True)
    if form.validate_on_submit() and form.until.data is not None:
        until = datetime.combine(form.until.data, time(23, 59, 59), tzinfo=UTC)
        try:
            services.suspend_author(
                _actor(), kind, target_id, person, until, form.reason.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s is suspended.", name=person.display_name), "success")
            return redirect(url_for("moderation.item", kind=kind, target_id=target_id), code=303)
    return _render_item(kind, target_id, 400, suspend_forms={user_id: form})


# Threads


def _thread(thread_id: int) -> Thread:
    thread = services.thread_by_id(thread_id)
    if thread is None:
        abort(404)
    return thread


def _render_thread(
    thread: Thread,
    status: int = 200,
    *,
    lock_form: LockForm | None = None,
    slow_form: SlowModeForm | None = None,
) -> tuple[str, int]:
    owner_title, owner_url = "", ""
    if owners.is_registered(thread.owner_kind):
        owner_title, owner_url = (
            owners.owner(thread.owner_kind)
            .describe([thread.owner_id])
            .get(thread.owner_id, ("", ""))
        )
    return (
        render_template(
            "moderation/thread.html",
            thread=thread,
            owner_title=owner_title,
            owner_url=owner_url,
            lock_form=lock_form or LockForm(formdata=None),
            slow_form=slow_form
            or SlowModeForm(formdata=None, data={"seconds": str(thread.slow_mode_seconds)}),
        ),
        status,
    )


@bp.get("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int) -> tuple[str, int]:
    """A thread's moderation settings: lock and slow mode."""
    _moderator()
    return _render_thread(_thread(thread_id))


@bp.post("/threads/<int:thread_id>/lock")
@login_required
def lock_thread(thread_id: int) -> Response | tuple[str, int]:
    """Lock a thread (no new comments) or unlock it; back to where the form was."""
    _acting_moderator()
    thread = _thread(thread_id)
    form = LockForm()
    if form.validate_on_submit():
        locked = form.locked.data == "1"
        try:
            services.lock_thread(_actor(), thread, locked, form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _("The thread is locked.") if locked else _("The thread is open again."), "success"
            )
            return redirect(_back(url_for("moderation.thread", thread_id=thread.id)), code=303)
    return _render_thread(thread, 400, lock_form=form)


@bp.post("/threads/<int:thread_id>/slow-mode")
@login_required
def slow_mode(thread_id: int) -> Response | tuple[str, int]:
    """Set the least time between one person's comments in a thread; back to where the form was."""
    _acting_moderator()
    thread = _thread(thread_id)
    form = SlowModeForm()
    if form.validate_on_submit():
        try:
            services.set_slow_mode(
                _actor(), thread, int(form.seconds.data or 0), form.reason.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Slow mode is saved."), "success")
            return redirect(_back(url_for("moderation.thread", thread_id=thread.id)), code=303)
    return _render_thread(thread, 400, slow_form=form)


# The log


@bp.get("/log")
@login_required
def log() -> tuple[str, int]:
    """Every moderation decision, newest first, with who, what, when and why (read only)."""
    _moderator()
    form = LogFilterForm(request.args)
    valid = form.validate()
    filters = services.LogFilters(
        action=form.action.data or "" if valid else "",
        actor=(form.actor.data or "").strip() if valid else "",
        target_kind=form.target_kind.data or "" if valid else "",
    )
    page = db.paginate(
        services.log_statement(filters),
        per_page=LOG_PER_PAGE,
        error_out=False,
        count=True,
    )
    found = targets.load_targets((e.target_kind, e.target_id) for e in page.items)
    users = services.users_by_id([e.target_id for e in page.items if e.target_kind == "user"])
    return (
        render_template(
            "moderation/log.html",
            form=form,
            page=page,
            targets=found,
            users=users,
            kind_labels=LOG_KIND_LABELS,
        ),
        200 if valid else 400,
    )
