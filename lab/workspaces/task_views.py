"""Tasks and milestones: the board, the list, my tasks, task forms, moving, the timeline, the
per-city rollup.

Every page loads its workspace with :func:`lab.workspaces.loading.load_workspace` (404 unless the
viewer may see it; a coordinator's opening of a members-only workspace is logged) and its task or
milestone with :func:`load_child` (404 for one of another workspace). Writing needs
``can_contribute``: members only. Coordinators read members-only workspaces to moderate them but
are not members, so they cannot change tasks (403), like anyone else who is not a member.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from lab.core.errors import ConflictError, DomainError
from lab.core.forms import options, show_domain_error
from lab.core.i18n import local_date
from lab.core.permissions import require
from lab.extensions import db, login_manager
from lab.search import kinds
from lab.workspaces import permissions, task_queries, task_search, task_services
from lab.workspaces.loading import load_child, load_workspace
from lab.workspaces.models import Milestone, Task, Workspace
from lab.workspaces.task_forms import DeleteTaskForm, MilestoneForm, MoveForm, TaskForm
from lab.workspaces.vocabulary import TASK_STATUSES, task_status_labels

bp = Blueprint("workspace_tasks", __name__, url_prefix="/workspaces")

kinds.register("task", _l("Workspace tasks"), order=45, one=_l("Workspace task"))
kinds.register_reindexer("task", task_search.reindex_all_tasks)


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """Templates ask whether a task is overdue the same way the lists filter them."""
    state.app.jinja_env.globals.update(task_is_overdue=task_queries.is_overdue)


def _actor() -> Any:
    return current_user._get_current_object()


def _signed_in() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def _readable(workspace_id: int) -> Workspace:
    return load_workspace(workspace_id, current_user)


def _writable(workspace_id: int) -> Workspace:
    """Load (404 unless visible) → sign in → 403 unless the user is a member who can write."""
    workspace = _readable(workspace_id)
    _signed_in()
    require(permissions.can_contribute, current_user, workspace)
    return workspace


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _board_url(workspace: Workspace, task: Task | None = None) -> str:
    anchor = f"task-{task.id}" if task is not None else None
    return url_for("workspace_tasks.board", workspace_id=workspace.id, _anchor=anchor)


def _task_url(task: Task) -> str:
    return url_for("workspace_tasks.show_task", workspace_id=task.workspace_id, task_id=task.id)


# The board

# A task id no board has, built into a URL and cut out of it again (see _around_task_id).
_ANY_TASK_ID = 9_876_543_210


def _around_task_id(endpoint: str, workspace: Workspace) -> tuple[str, str]:
    """The URL of ``endpoint`` for a task of ``workspace`` as the text before and after the task's
    id: the board joins them around each card's id, one url_for for hundreds of cards."""
    before, after = url_for(endpoint, workspace_id=workspace.id, task_id=_ANY_TASK_ID).split(
        str(_ANY_TASK_ID)
    )
    return before, after


def _render_board(workspace: Workspace, status: int = 200, conflict: Any = None) -> tuple[str, int]:
    columns = task_queries.board(workspace)
    days = {task.due_on for tasks in columns.values() for task in tasks if task.due_on}
    return (
        render_template(
            "workspaces/board.html",
            workspace=workspace,
            columns=columns,
            due_dates={day: local_date(day, "medium") for day in days},
            card_urls={
                endpoint: _around_task_id(f"workspace_tasks.{endpoint}", workspace)
                for endpoint in ("show_task", "move_task")
            },
            statuses=TASK_STATUSES,
            conflict=conflict,
            may_contribute=permissions.can_contribute(current_user, workspace),
        ),
        status,
    )


@bp.get("/<int:workspace_id>/board")
def board(workspace_id: int) -> tuple[str, int]:
    """The tasks in three columns: to do, doing, done."""
    return _render_board(_readable(workspace_id))


def _current(workspace: Workspace, task_id: int) -> Task | None:
    """The task as saved now (None if it was deleted meanwhile), after a refused change."""
    return db.session.scalar(
        select(Task)
        .where(Task.id == task_id, Task.workspace_id == workspace.id)
        .execution_options(populate_existing=True)
    )


def _board_state(workspace: Workspace) -> list[dict[str, Any]]:
    return [
        {"id": t.id, "status": t.status, "position": t.position, "version": t.version}
        for column in task_queries.board(workspace).values()
        for t in column
    ]


@bp.post("/<int:workspace_id>/tasks/<int:task_id>/move")
def move_task(workspace_id: int, task_id: int) -> Response | tuple[Any, int]:
    """Move a card to a column and a place in it (a form without JavaScript, fetch with it)."""
    workspace = _writable(workspace_id)
    task = load_child(Task, task_id, workspace)
    form = MoveForm()
    labels = task_status_labels()
    if not form.validate_on_submit() or form.status.data not in TASK_STATUSES:
        message = _("Choose a column, and a position of 1 or more, to move the task.")
        if _wants_json():
            return jsonify(message=message), 400
        flash(message, "error")
        return _render_board(workspace, 400)
    position = form.position.data
    try:
        task_services.move_task(
            _actor(),
            workspace,
            task,
            form.status.data,
            position - 1 if position is not None else None,
            form.started_from(),
        )
    except ConflictError as error:
        current = _current(workspace, task_id)
        if _wants_json():
            return jsonify(message=error.message, tasks=_board_state(workspace)), 409
        return _render_board(workspace, 409, {"message": error.message, "task": current})
    except DomainError as error:
        if _wants_json():
            return jsonify(message=error.message), 400
        flash(error.message, "error")
        return _render_board(workspace, 400)
    message = _(
        "“%(title)s” is now in %(column)s, position %(position)d.",
        title=task.title,
        column=labels[task.status],
        position=task.position + 1,
    )
    if _wants_json():
        return jsonify(message=message, tasks=_board_state(workspace)), 200
    flash(message, "success")
    return redirect(_board_url(workspace, task), code=303)


# The list and my tasks


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return -1


def _filters(workspace: Workspace) -> task_queries.TaskFilters:
    """The list's filters from the query string; a value that makes no sense is ignored, and the
    page says so."""
    filters = task_queries.TaskFilters()
    problems = filters.problems
    city_id = _int_arg("city")
    if city_id is not None:
        if city_id in {c.city_id for c in workspace.cities}:
            filters.city_id = city_id
        else:
            problems.append(_("The city filter was ignored: choose a member city."))
    assignee = request.args.get("assignee", "").strip()
    if assignee == "none":
        filters.assignee_id = 0
    elif assignee:
        assignee_id = _int_arg("assignee")
        if assignee_id in {m.user_id for m in workspace.members}:
            filters.assignee_id = assignee_id
        else:
            problems.append(_("The assignee filter was ignored: choose a member."))
    status = request.args.get("status", "").strip()
    if status in TASK_STATUSES:
        filters.status = status
    elif status:
        problems.append(_("The status filter was ignored: choose a status from the list."))
    due = request.args.get("due", "").strip()
    if due in ("overdue", "none"):
        filters.due = due
    elif due == "before":
        try:
            filters.due_before = task_services.parse_date(request.args.get("before", ""))
        except DomainError as error:
            problems.append(error.message)
        if filters.due_before is not None:
            filters.due = "before"
        elif not problems:
            problems.append(_("Give the date the tasks are due before."))
    elif due:
        problems.append(_("The due date filter was ignored: choose one from the list."))
    filters.sort = "board" if request.args.get("sort") == "board" else "due"
    return filters


@bp.get("/<int:workspace_id>/tasks")
def task_list(workspace_id: int) -> str:
    """All the tasks, filtered by city, assignee, status and due date; by due date or board order."""
    workspace = _readable(workspace_id)
    filters = _filters(workspace)
    page = db.paginate(
        task_queries.task_list_query(workspace, filters),
        per_page=task_queries.PER_PAGE,
        error_out=False,
    )
    arguments: dict[str, Any] = {
        k: v for k, v in request.args.items() if k not in ("page", "workspace_id") and v
    }
    return render_template(
        "workspaces/task_list.html",
        workspace=workspace,
        page=page,
        filters=filters,
        page_url=lambda number: url_for(
            "workspace_tasks.task_list", workspace_id=workspace.id, **arguments, page=number
        ),
        statuses=TASK_STATUSES,
        may_contribute=permissions.can_contribute(current_user, workspace),
    )


@bp.get("/my-tasks")
def my_tasks() -> str:
    """The open tasks assigned to me in every workspace I am a member of, overdue first."""
    _signed_in()
    rows = task_queries.my_tasks(current_user)
    groups: dict[str, list[tuple[Task, Workspace]]] = {"overdue": [], "dated": [], "undated": []}
    for task, workspace in rows:
        if task_queries.is_overdue(task):
            groups["overdue"].append((task, workspace))
        elif task.due_on is not None:
            groups["dated"].append((task, workspace))
        else:
            groups["undated"].append((task, workspace))
    return render_template("workspaces/my_tasks.html", groups=groups, count=len(rows))


# One task


def _task_form(workspace: Workspace, task: Task | None) -> TaskForm:
    """The task form with the workspace's members, cities and milestones as choices."""
    if request.method == "POST":
        form = TaskForm()
    elif task is not None:
        form = TaskForm(
            data={
                "title": task.title,
                "description": task.description,
                "city_id": task.city_id,
                "assignee_id": task.assignee_id,
                "due_on": task.due_on.isoformat() if task.due_on else "",
                "status": task.status,
                "milestone_id": task.milestone_id,
                "version": str(task.version),
            }
        )
    else:
        actor_city = getattr(current_user, "city_id", None)
        member_cities = {c.city_id for c in workspace.cities}
        form = TaskForm(
            data={
                "city_id": actor_city if actor_city in member_cities else None,
                "status": request.args.get("status", "todo"),
                "milestone_id": _int_arg("milestone"),
            }
        )
    form.city_id.choices = options(
        [("", _("Choose a city")), *((c.city_id, c.city.name) for c in workspace.cities)]
    )
    form.assignee_id.choices = options(
        [("", _("Nobody yet")), *((m.user_id, m.user.display_name) for m in workspace.members)]
    )
    form.milestone_id.choices = options(
        [("", _("No milestone")), *task_queries.milestone_choices(workspace)]
    )
    return form


def _task_input(form: TaskForm) -> task_services.TaskInput:
    return task_services.TaskInput(
        title=form.title.data or "",
        description=form.description.data or "",
        city_id=form.city_id.data,
        assignee_id=form.assignee_id.data,
        due_on=form.due_on.data or "",
        status=form.status.data or "todo",
        milestone_id=form.milestone_id.data,
    )


def _render_task_form(
    workspace: Workspace, form: TaskForm, task: Task | None, status: int, conflict: Any = None
) -> tuple[str, int]:
    return (
        render_template(
            "workspaces/task_form.html",
            workspace=workspace,
            form=form,
            task=task,
            conflict=conflict,
        ),
        status,
    )


@bp.route("/<int:workspace_id>/tasks/new", methods=["GET", "POST"])
def new_task(workspace_id: int) -> Response | tuple[str, int]:
    """Add a task (members)."""
    workspace = _writable(workspace_id)
    form = _task_form(workspace, None)
    if form.validate_on_submit():
        try:
            task = task_services.create_task(_actor(), workspace, _task_input(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The task is added."), "success")
            return redirect(_task_url(task), code=303)
    return _render_task_form(workspace, form, None, 400 if form.is_submitted() else 200)


@bp.get("/<int:workspace_id>/tasks/<int:task_id>")
def show_task(workspace_id: int, task_id: int) -> str:
    """A task: its description, city, assignee, due date, status and milestone."""
    workspace = _readable(workspace_id)
    task = load_child(Task, task_id, workspace)
    return render_template(
        "workspaces/task.html",
        workspace=workspace,
        task=task,
        statuses=TASK_STATUSES,
        column_size=len(task_queries.board(workspace)[task.status]),
        may_contribute=permissions.can_contribute(current_user, workspace),
    )


def _shown(form: TaskForm, name: str, value: Any) -> str:
    """A task field's value as a person reads it."""
    if value in (None, ""):
        return _("(empty)")
    field = form[name]
    if name in ("city_id", "assignee_id", "milestone_id", "status"):
        labels = {str(c.value): str(c.label) for c in field.choices}
        return labels.get(str(value), str(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _conflict(form: TaskForm, task: Task, error: ConflictError) -> dict[str, Any]:
    """What the other person saved, field by field, where it differs from the member's input;
    the form keeps the member's input and takes the saved version, so a second save goes through."""
    db.session.refresh(task)
    yours = {
        "title": form.title.data or "",
        "description": (form.description.data or "").replace("\r\n", "\n"),
        "city_id": form.city_id.data,
        "assignee_id": form.assignee_id.data,
        "due_on": (form.due_on.data or "").strip(),
        "status": form.status.data,
        "milestone_id": form.milestone_id.data,
    }
    saved = {
        "title": task.title,
        "description": task.description,
        "city_id": task.city_id,
        "assignee_id": task.assignee_id,
        "due_on": task.due_on.isoformat() if task.due_on else "",
        "status": task.status,
        "milestone_id": task.milestone_id,
    }
    differences = [
        (str(form[name].label.text), _shown(form, name, saved[name]), _shown(form, name, mine))
        for name, mine in yours.items()
        if (mine or None) != (saved[name] or None)
    ]
    form.version.data = str(task.version)
    return {"message": error.message, "differences": differences}


@bp.route("/<int:workspace_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def edit_task(workspace_id: int, task_id: int) -> Response | tuple[str, int]:
    """Edit a task; if someone saved it meanwhile, say what they changed and keep the input."""
    workspace = _writable(workspace_id)
    task = load_child(Task, task_id, workspace)
    form = _task_form(workspace, task)
    if form.validate_on_submit():
        try:
            task_services.update_task(
                _actor(), workspace, task, _task_input(form), form.started_from()
            )
        except ConflictError as error:
            current = _current(workspace, task_id)
            if current is None:
                flash(error.message, "error")
                return redirect(url_for("workspace_tasks.board", workspace_id=workspace.id), 303)
            conflict = _conflict(form, current, error)
            return _render_task_form(workspace, form, current, 409, conflict)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_task_url(task), code=303)
    return _render_task_form(workspace, form, task, 400 if form.is_submitted() else 200)


@bp.post("/<int:workspace_id>/tasks/<int:task_id>/delete")
def delete_task(workspace_id: int, task_id: int) -> Response:
    """Delete a task (members)."""
    workspace = _writable(workspace_id)
    task = load_child(Task, task_id, workspace)
    form = DeleteTaskForm()
    if not form.validate_on_submit():
        abort(400)
    version = form.started_from() if form.version.data else None
    try:
        task_services.delete_task(_actor(), workspace, task, version)
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(_task_url(task), code=303)
    flash(_("The task “%(title)s” is deleted.", title=task.title), "success")
    return redirect(url_for("workspace_tasks.board", workspace_id=workspace.id), code=303)


# Milestones


@bp.get("/<int:workspace_id>/milestones")
def milestones(workspace_id: int) -> str:
    """The timeline: milestones by date, each with its progress and its tasks."""
    workspace = _readable(workspace_id)
    return render_template(
        "workspaces/milestones.html",
        workspace=workspace,
        timeline=task_queries.milestones(workspace),
        may_contribute=permissions.can_contribute(current_user, workspace),
    )


def _milestone_input(form: MilestoneForm) -> task_services.MilestoneInput:
    return task_services.MilestoneInput(
        title=form.title.data or "",
        due_on=form.due_on.data or "",
        description=form.description.data or "",
    )


def _render_milestone_form(
    workspace: Workspace,
    form: MilestoneForm,
    milestone: Milestone | None,
    status: int,
    conflict: Any = None,
) -> tuple[str, int]:
    return (
        render_template(
            "workspaces/milestone_form.html",
            workspace=workspace,
            form=form,
            milestone=milestone,
            conflict=conflict,
        ),
        status,
    )


@bp.route("/<int:workspace_id>/milestones/new", methods=["GET", "POST"])
def new_milestone(workspace_id: int) -> Response | tuple[str, int]:
    """Add a milestone (members); tasks are linked to it from the task form."""
    workspace = _writable(workspace_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        try:
            task_services.create_milestone(_actor(), workspace, _milestone_input(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The milestone is added."), "success")
            return redirect(url_for("workspace_tasks.milestones", workspace_id=workspace.id), 303)
    return _render_milestone_form(workspace, form, None, 400 if form.is_submitted() else 200)


@bp.route("/<int:workspace_id>/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
def edit_milestone(workspace_id: int, milestone_id: int) -> Response | tuple[str, int]:
    """Edit a milestone; a save made meanwhile by someone else is shown, the input kept."""
    workspace = _writable(workspace_id)
    milestone = load_child(Milestone, milestone_id, workspace)
    if request.method == "POST":
        form = MilestoneForm()
    else:
        form = MilestoneForm(
            data={
                "title": milestone.title,
                "due_on": milestone.due_on.isoformat(),
                "description": milestone.description,
                "version": str(milestone.version),
            }
        )
    if form.validate_on_submit():
        try:
            task_services.update_milestone(
                _actor(), workspace, milestone, _milestone_input(form), form.started_from()
            )
        except ConflictError as error:
            db.session.refresh(milestone)
            conflict = {
                "message": error.message,
                "saved": milestone,
            }
            form.version.data = str(milestone.version)
            return _render_milestone_form(workspace, form, milestone, 409, conflict)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("workspace_tasks.milestones", workspace_id=workspace.id), 303)
    return _render_milestone_form(workspace, form, milestone, 400 if form.is_submitted() else 200)


# The rollup


@bp.get("/<int:workspace_id>/cities")
def rollup(workspace_id: int) -> str:
    """What each member city has committed to: its open, done and overdue tasks."""
    workspace = _readable(workspace_id)
    return render_template(
        "workspaces/rollup.html", workspace=workspace, rows=task_queries.rollup(workspace)
    )
