"""A practice's history: its revisions, the difference between any two, one revision's content,
and restoring an old revision as a new one. Visible to whoever may see the practice.
"""

from __future__ import annotations

from math import ceil

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload
from werkzeug.wrappers import Response
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from lab.core.errors import ConflictError, DomainError, NotFoundError
from lab.core.permissions import require
from lab.extensions import db
from lab.practices import history, services
from lab.practices.models import Practice, PracticeRevision
from lab.practices.permissions import can_edit_practice, can_view_practice

bp = Blueprint("practice_history", __name__, url_prefix="/practices")


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """History pages offer restoring only to those who may edit the practice."""
    state.app.jinja_env.globals.update(can_edit_practice=can_edit_practice)


class RestoreForm(FlaskForm):
    """Restore a revision, from the version of the practice the editor was looking at."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _load_practice(practice_id: int) -> Practice:
    """The practice, or 404 for a missing one and for one the viewer may not see (drafts,
    deleted practices for non-editors): the same answer, so existence stays private."""
    practice = db.session.scalar(
        select(Practice)
        .where(Practice.id == practice_id)
        .options(lazyload(Practice.authors), lazyload(Practice.themes), lazyload(Practice.tags))
        .execution_options(include_deleted=True)
    )
    if practice is None:
        abort(404)
    require(can_view_practice, current_user, practice, not_found=True)
    return practice


def _revision(practice: Practice, number: int) -> PracticeRevision:
    revision = history.revisions_by_number(practice.id, [number]).get(number)
    if revision is None:
        abort(404)
    return revision


def _zone() -> str:
    return str(get_timezone() or "UTC")


@bp.get("/<int:practice_id>/history")
def index(practice_id: int) -> str:
    """List a practice's revisions, newest first: who, when, what changed, and why."""
    practice = _load_practice(practice_id)
    statement = (
        select(PracticeRevision)
        .where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.number.desc())
    )
    total = db.session.scalar(
        select(func.count(PracticeRevision.id)).where(PracticeRevision.practice_id == practice.id)
    )
    per_page = history.REVISIONS_PER_PAGE
    wanted = request.args.get("page", 1, type=int) or 1
    number = min(max(1, wanted), max(1, ceil((total or 0) / per_page)))
    page = db.paginate(statement, page=number, per_page=per_page, error_out=False, count=False)
    page.total = total
    latest = page.items[0].number if page.items and number == 1 else None
    return render_template(
        "practices/history.html",
        practice=practice,
        page=page,
        latest=latest,
        changed_labels=history.changed_labels,
        note_text=history.note_text,
        zone=_zone(),
    )


@bp.get("/<int:practice_id>/history/compare")
def compare(practice_id: int) -> str:
    """Show what changed between two revisions (by default the last two), field by field."""
    practice = _load_practice(practice_id)
    latest = history.latest_number(practice.id)
    # A number that is not a number means "the default"; a number is taken as asked (404 if
    # there is no such revision).
    to_number = request.args.get("to", type=int)
    to_number = latest if to_number is None else to_number
    from_number = request.args.get("from", type=int)
    from_number = max(1, to_number - 1) if from_number is None else from_number
    older, newer = sorted((from_number, to_number))
    revisions = history.revisions_by_number(practice.id, (older, newer))
    if older not in revisions or newer not in revisions:
        abort(404)
    old, new = revisions[older], revisions[newer]
    names = history.names_for([old.snapshot, new.snapshot])
    return render_template(
        "practices/history_compare.html",
        practice=practice,
        old=old,
        new=new,
        latest=latest,
        changes=history.compare(old.snapshot, new.snapshot, names),
        zone=_zone(),
    )


@bp.get("/<int:practice_id>/history/<int:number>")
def show(practice_id: int, number: int) -> str:
    """Show one revision's full content, rendered afresh from its snapshot."""
    practice = _load_practice(practice_id)
    revision = _revision(practice, number)
    return _render_revision(practice, revision, RestoreForm(data={"version": practice.version}))


def _render_revision(practice: Practice, revision: PracticeRevision, form: RestoreForm) -> str:
    names = history.names_for([revision.snapshot])
    return render_template(
        "practices/history_show.html",
        practice=practice,
        revision=revision,
        content=history.snapshot_view(revision.snapshot, names),
        latest=history.latest_number(practice.id),
        note_text=history.note_text,
        form=form,
        zone=_zone(),
    )


@bp.post("/<int:practice_id>/history/<int:number>/restore")
@login_required
def restore(practice_id: int, number: int) -> Response | tuple[str, int]:
    """Put an old revision's content back, as a new revision (editors of the practice)."""
    practice = _load_practice(practice_id)
    require(can_edit_practice, current_user, practice)
    revision = _revision(practice, number)
    form = RestoreForm()
    if not form.validate_on_submit() or form.version.data is None:
        flash(_("The restore could not be done: reload the page and try again."), "error")
        return _render_revision(practice, revision, form), 400
    try:
        services.restore_revision(
            current_user._get_current_object(), practice, number, form.version.data
        )
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(url_for("practice_history.index", practice_id=practice_id), code=303)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(
            url_for("practice_history.show", practice_id=practice_id, number=number), code=303
        )
    flash(_("Revision %(n)d is restored as a new revision.", n=number), "success")
    return redirect(url_for("practice_history.index", practice_id=practice_id), code=303)
