"""Practice pages: read, write, edit, publish, validate, delete and restore; covers and files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from werkzeug.wrappers import Response

from lab.auth.models import DELEGATE, User
from lab.auth.permissions import is_staff
from lab.auth.services import city_choices
from lab.core.errors import ConflictError, DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.extensions import db, login_manager
from lab.practices import files, permissions, services
from lab.practices.facets import FACETS, SECTIONS, STATUS_LABELS, facet_label
from lab.practices.forms import (
    AttachmentForm,
    PracticeForm,
    StatusForm,
    ValidateForm,
    form_data,
    tag_list,
)
from lab.practices.models import Attachment, Practice, PracticeRevision
from lab.practices.sections import practice_page_sections
from lab.storage import services as storage
from lab.taxonomy.services import theme_choices

bp = Blueprint("practices", __name__, url_prefix="/practices")
DELETED_PER_PAGE = 50


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """Templates ask the same questions as the views (show a control only to who may use it)."""
    state.app.jinja_env.globals.update(
        can_view_practice=permissions.can_view_practice,
        can_view_hidden_practice=permissions.can_view_hidden_practice,
        can_edit_practice=permissions.can_edit_practice,
        can_create_practice=permissions.can_create_practice,
        can_validate_practices=permissions.can_validate,
        practice_facets=FACETS,
        practice_sections=SECTIONS,
        practice_status_labels=STATUS_LABELS,
        practice_facet_label=facet_label,
    )


def _actor() -> User:
    return current_user._get_current_object()


def _practice_or_404(practice_id: int, include_deleted: bool = False) -> Practice:
    """The practice the URL names, if the viewer may see it; otherwise the same 404 as a missing
    one (drafts, deleted practices)."""
    practice = services.load_practice(practice_id, include_deleted=include_deleted)
    if practice is None:
        abort(404)
    require(permissions.can_view_practice, current_user, practice, not_found=True)
    return practice


def _practice_any_state(practice_id: int) -> Practice | None:
    """The practice with this id, deleted or hidden by a moderator included."""
    return db.session.scalar(
        select(Practice)
        .where(Practice.id == practice_id)
        .execution_options(include_deleted=True, include_hidden=True)
    )


def _readable_or_404(practice_id: int) -> Practice:
    """The practice the URL names for reading its page and files, hidden ones included, if the
    viewer may read it: a hidden practice only for its editors, authors and staff (the page shows
    others a placeholder, see :func:`show`)."""
    practice = _practice_any_state(practice_id)
    if practice is None:
        abort(404)
    require(permissions.can_view_hidden_practice, current_user, practice, not_found=True)
    return practice


def _signed_in() -> None:
    """Send a visitor to sign in (after the 404 check, so that drafts still look missing)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def _editable(practice_id: int, include_deleted: bool = False) -> Practice:
    """Load → 404 unless visible → sign in → 403 unless the user may edit it."""
    practice = _practice_or_404(practice_id, include_deleted)
    _signed_in()
    require(permissions.can_edit_practice, current_user, practice)
    return practice


def _show_url(practice: Practice, anchor: str | None = None) -> str:
    return url_for("practices.show", practice_id=practice.id, slug=practice.slug, _anchor=anchor)


# Reading


def _render_show(
    practice: Practice, status: int = 200, attachment_form: AttachmentForm | None = None
) -> tuple[str, int]:
    """The practice page (also after a refused action, with its message)."""
    attachments = db.session.scalars(
        select(Attachment)
        .where(Attachment.practice_id == practice.id)
        .order_by(Attachment.created_at, Attachment.id)
    ).all()
    may_edit = permissions.can_edit_practice(current_user, practice) and not practice.is_hidden
    if attachment_form is None and may_edit:
        attachment_form = AttachmentForm(formdata=None)
    return (
        render_template(
            "practices/show.html",
            practice=practice,
            attachments=attachments,
            attachment_form=attachment_form,
            sections=practice_page_sections.render_data(practice, current_user),
        ),
        status,
    )


@bp.get("/<int:practice_id>-<slug>")
@bp.get("/<int:practice_id>", defaults={"slug": ""})
def show(practice_id: int, slug: str) -> Response | tuple[str, int]:
    """A practice, at its stable address; an old or missing slug redirects to the right one.

    A published practice hidden by a moderator shows others only that it was hidden (no title:
    its content may be the problem, so no redirect to its slug either); a hidden draft stays a 404.
    """
    practice = _practice_any_state(practice_id)
    if practice is None:
        abort(404)
    if permissions.shows_hidden_placeholder(current_user, practice):
        return render_template("practices/show.html", practice=None, hidden_placeholder=True), 200
    require(permissions.can_view_hidden_practice, current_user, practice, not_found=True)
    if slug != practice.slug:
        return redirect(_show_url(practice), code=301)
    return _render_show(practice)


# Writing and editing


def _practice_form(practice: Practice | None) -> PracticeForm:
    """The practice form with its choices; a POST is read alone, never filled from the practice."""
    if request.method == "POST":
        form = PracticeForm()
    else:
        form = PracticeForm(data=form_data(practice) if practice else {"language": "en"})
    actor = _actor()
    if permissions.can_choose_city(actor):
        form.city_id.choices = options([("", _("Choose a city")), *city_choices()])
    else:
        del form.city_id
    form.theme_ids.choices = options(theme_choices())
    form.author_ids.choices = options(_author_choices(practice, actor))
    return form


def _author_choices(practice: Practice | None, actor: User) -> list[tuple[int, str]]:
    """Who may be credited: the current authors, the editor, and the delegates of the city."""
    current = [a.user_id for a in practice.authors] if practice else []
    city_id = practice.city_id if practice else actor.city_id
    people = or_(User.id.in_([*current, actor.id]))
    if city_id is not None:
        people = or_(people, and_(User.role == DELEGATE, User.city_id == city_id))
    users = db.session.scalars(select(User).where(people).order_by(User.display_name, User.id))
    return [
        (u.id, f"{u.display_name} ({u.city.name})" if u.city else u.display_name) for u in users
    ]


def _practice_input(form: PracticeForm) -> services.PracticeInput:
    """The plain values the practice services take."""
    city_field = form.city_id if "city_id" in form else None
    texts: dict[str, Any] = {name: getattr(form, name).data or "" for name in SECTIONS}
    facets: dict[str, Any] = {column: getattr(form, column).data or None for column in FACETS}
    return services.PracticeInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        language=form.chosen_language(),
        city_id=city_field.data if city_field is not None else None,
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        is_ongoing=bool(form.is_ongoing.data),
        **texts,
        **facets,
        theme_ids=list(form.theme_ids.data or []),
        tags=tag_list(form.tags.data),
        author_ids=list(form.author_ids.data or []),
        cover_alt=form.cover_alt.data or "",
    )


def _cover(form: PracticeForm) -> files.Upload | None:
    """The cover image sent with the form, if one was chosen."""
    upload = form.cover.data
    if upload is None or not upload.filename:
        return None
    return files.Upload(upload.stream, upload.filename)


def _render_form(
    form: PracticeForm, practice: Practice | None, status: int, conflict: Any = None
) -> tuple[str, int]:
    return (
        render_template(
            "practices/form.html",
            form=form,
            practice=practice,
            conflict=conflict,
            section_max=services.SECTION_MAX,
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    """Write a new practice (it starts as a draft that only its city and staff can see)."""
    _signed_in()
    require(permissions.can_create_practice, current_user)
    form = _practice_form(None)
    if form.validate_on_submit():
        try:
            practice = files.write_practice(_actor(), _practice_input(form), cover=_cover(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your practice is saved as a draft. Publish it when it is ready."), "success")
            return redirect(_show_url(practice), code=303)
    return _render_form(form, None, 400 if form.is_submitted() else 200)


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
def edit(practice_id: int) -> Response | tuple[str, int]:
    """Edit a practice; if someone saved it meanwhile, say so and keep the editor's text."""
    practice = _editable(practice_id)
    form = _practice_form(practice)
    if request.method == "GET":
        last = _last_revision(practice)
        form.revision.data = str(last.number) if last else ""
    if form.validate_on_submit():
        data = _practice_input(form)
        yours = asdict(data)
        try:
            files.write_practice(
                _actor(),
                data,
                practice=practice,
                version=form.started_from(),
                cover=_cover(form),
                remove_cover=bool(form.remove_cover.data),
            )
        except ConflictError as error:
            return _render_form(form, practice, 409, _conflict(form, practice, yours, error))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_show_url(practice), code=303)
    return _render_form(form, practice, 400 if form.is_submitted() else 200)


def _conflict(
    form: PracticeForm, practice: Practice, yours: dict[str, Any], error: ConflictError
) -> dict[str, Any]:
    """What was saved since the editor started, for the page that tells them.

    The form keeps the editor's text (and takes in the fields only the other person changed);
    its version and revision become the saved ones, so that a second save, made after reading,
    goes through.
    """
    last = _last_revision(practice)
    started = form.started_from_revision()
    base = None
    if started is not None and last is not None and started <= last.number:
        base = db.session.scalar(
            select(PracticeRevision.snapshot).where(
                PracticeRevision.practice_id == practice.id, PracticeRevision.number == started
            )
        )
    differences = form.differences(yours, services.snapshot(practice), base)
    form.version.data = str(practice.version)
    form.revision.data = str(last.number) if last else ""
    return {"message": error.message, "differences": differences, "last": last}


def _last_revision(practice: Practice) -> PracticeRevision | None:
    """The latest saved revision: who saved and when."""
    return db.session.scalar(
        select(PracticeRevision)
        .where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.number.desc())
        .limit(1)
    )


# Status, validation, deletion


STATUS_MESSAGES = {
    "published": _l("The practice is published: everyone can read it now."),
    "archived": _l("The practice is archived. It stays readable, marked as archived."),
    "draft": _l("The practice is back to draft: only its city and the coordinators see it."),
}


@bp.post("/<int:practice_id>/status")
def change_status(practice_id: int) -> Response | tuple[str, int]:
    """Publish, archive, republish or take back to draft."""
    practice = _editable(practice_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose to publish, archive or take the practice back to draft."), "error")
        return _render_show(practice, 400)
    try:
        services.change_status(_actor(), practice, form.status.data or "")
    except DomainError as error:
        flash(error.message, "error")
        return _render_show(practice, 400)
    flash(str(STATUS_MESSAGES[practice.status]), "success")
    return redirect(_show_url(practice), code=303)


@bp.post("/<int:practice_id>/validate")
def validate(practice_id: int) -> Response | tuple[str, int]:
    """Grant or withdraw the coordinators' "validated" mark."""
    practice = _practice_or_404(practice_id)
    _signed_in()
    require(permissions.can_validate, current_user)
    form = ValidateForm()
    if not form.validate_on_submit():
        flash(_("Choose to validate the practice or to withdraw the mark."), "error")
        return _render_show(practice, 400)
    validated = form.validated.data == "1"
    try:
        services.set_validated(_actor(), practice, validated)
    except DomainError as error:
        flash(error.message, "error")
        return _render_show(practice, 400)
    if validated:
        flash(_("The practice is marked as validated."), "success")
    else:
        flash(_("The validation mark is withdrawn."), "success")
    return redirect(_show_url(practice), code=303)


@bp.post("/<int:practice_id>/delete")
def delete(practice_id: int) -> Response:
    """Delete a practice (softly: its editors can restore it)."""
    practice = _editable(practice_id)
    services.delete_practice(_actor(), practice)
    flash(_("The practice is deleted. You can restore it from this page."), "success")
    return redirect(_show_url(practice), code=303)


@bp.post("/<int:practice_id>/restore")
def restore(practice_id: int) -> Response:
    """Bring a deleted practice back."""
    practice = _editable(practice_id, include_deleted=True)
    if practice.deleted_at is None:
        flash(_("This practice is not deleted."), "info")
    else:
        services.restore_practice(_actor(), practice)
        flash(_("The practice is restored."), "success")
    return redirect(_show_url(practice), code=303)


@bp.get("/deleted")
def deleted() -> str:
    """Deleted practices the viewer may restore: their city's, or all for coordinators."""
    _signed_in()
    require(permissions.can_create_practice, current_user)
    conditions = [Practice.deleted_at.is_not(None)]
    if not is_staff(current_user):
        conditions.append(Practice.city_id == current_user.city_id)
    query = (
        select(Practice)
        .where(*conditions)
        .order_by(Practice.deleted_at.desc(), Practice.id.desc())
        .execution_options(include_deleted=True)
    )
    page = db.paginate(query, per_page=DELETED_PER_PAGE, error_out=False, count=False)
    # Counted here: the paginator's own count would leave the deleted rows out of its subquery.
    page.total = db.session.scalar(
        select(func.count())
        .select_from(Practice)
        .where(*conditions)
        .execution_options(include_deleted=True)
    )
    return render_template("practices/deleted.html", page=page)


# Files


def _attachment_or_404(practice: Practice, attachment_id: int) -> Attachment:
    attachment = db.session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id, Attachment.practice_id == practice.id
        )
    )
    if attachment is None:
        abort(404)
    return attachment


@bp.get("/<int:practice_id>/attachments/<int:attachment_id>")
def attachment(practice_id: int, attachment_id: int) -> Response:
    """Download an attachment; who may see the practice is checked again on every request."""
    practice = _readable_or_404(practice_id)
    return storage.send_stored_file(
        _attachment_or_404(practice, attachment_id).file, as_attachment=True
    )


@bp.get("/<int:practice_id>/cover", defaults={"variant": None})
@bp.get("/<int:practice_id>/cover/<variant>")
def cover(practice_id: int, variant: str | None) -> Response:
    """The cover image, shown in pages; checked like the practice on every request."""
    practice = _readable_or_404(practice_id)
    if practice.cover is None or (variant is not None and variant not in storage.VARIANT_SIZES):
        abort(404)
    return storage.send_stored_file(practice.cover, variant, as_attachment=False)


@bp.post("/<int:practice_id>/attachments")
def add_attachment(practice_id: int) -> Response | tuple[str, int]:
    """Attach a file to a practice."""
    practice = _editable(practice_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            files.add_attachment(
                _actor(), practice, upload.stream, upload.filename or "", form.title.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The file is attached."), "success")
            return redirect(_show_url(practice, "attachments"), code=303)
    return _render_show(practice, 400, attachment_form=form)


@bp.post("/<int:practice_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(practice_id: int, attachment_id: int) -> Response:
    """Remove an attachment from the page (softly)."""
    practice = _editable(practice_id)
    attachment = _attachment_or_404(practice, attachment_id)
    files.delete_attachment(_actor(), practice, attachment)
    flash(_("The file %(title)s is removed.", title=attachment.title), "success")
    return redirect(_show_url(practice, "attachments"), code=303)
