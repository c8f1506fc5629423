"""Workspace pages: list, create, the workspace page, details, status, members, cities, join
requests, linked practices and the thread."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from lab.auth.models import DELEGATE, User
from lab.auth.services import city_choices
from lab.core.errors import ConflictError, DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.discussion.blocks import request_page, request_reply_to, thread_block
from lab.extensions import login_manager
from lab.search import kinds
from lab.workspaces import (
    discussion_hooks,
    notification_hooks,  # noqa: F401  (registers workspaces as notification targets)
    permissions,
    queries,
    search_hooks,  # noqa: F401  (the "workspace" search kind and members' scopes)
    sections,  # noqa: F401  (the city page's "Workspaces" section)
    services,
)
from lab.workspaces.forms import (
    AddMemberForm,
    CityForm,
    ConfirmForm,
    DecisionForm,
    JoinForm,
    PracticeLinkForm,
    RoleForm,
    SearchForm,
    StatusForm,
    WorkspaceFilterForm,
    WorkspaceForm,
)
from lab.workspaces.loading import load_workspace
from lab.workspaces.models import Workspace
from lab.workspaces.tabs import current_tab, workspace_tabs
from lab.workspaces.vocabulary import role_labels, status_labels, task_status_labels

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """Templates of all workspace pages ask the same questions as the views."""
    state.app.jinja_env.globals.update(
        workspace_tabs=workspace_tabs,
        workspace_current_tab=current_tab,
        workspace_status_label=lambda code: status_labels().get(code, code),
        task_status_label=lambda code: task_status_labels().get(code, code),
        workspace_role_label=lambda code: role_labels().get(code, code),
        can_view_workspace=permissions.can_view_workspace,
        is_workspace_member=permissions.is_member,
        is_workspace_lead=permissions.is_lead,
        can_create_workspace=permissions.can_create_workspace,
        can_contribute_to_workspace=permissions.can_contribute,
        can_manage_workspace=permissions.can_manage,
        can_change_workspace_status=permissions.can_change_status,
        can_ask_to_join_workspace=permissions.can_ask_to_join,
    )


def _actor() -> User:
    return current_user._get_current_object()


def _signed_in() -> None:
    """Send a visitor to sign in (after the 404 check, so members-only workspaces look missing)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def _workspace(workspace_id: int) -> Workspace:
    """The workspace the URL names, or 404 (logged for coordinators in members-only ones)."""
    return load_workspace(workspace_id, current_user)


def _managed(workspace_id: int) -> Workspace:
    """Load -> 404 unless visible -> sign in -> 403 unless a lead of an open workspace."""
    workspace = _workspace(workspace_id)
    _signed_in()
    require(permissions.can_manage, current_user, workspace)
    return workspace


def _show_url(workspace: Workspace, anchor: str | None = None) -> str:
    return url_for("workspaces.show", workspace_id=workspace.id, _anchor=anchor)


def _members_url(workspace: Workspace, anchor: str | None = None) -> str:
    return url_for("workspaces.members", workspace_id=workspace.id, _anchor=anchor)


# The list


@bp.get("/")
def index() -> str:
    """Public workspaces for everyone, and the viewer's own (members-only included)."""
    form = WorkspaceFilterForm(request.args)
    form.city.choices = options([("", _("All cities")), *city_choices()])
    form.validate()
    city_id = form.city.data if isinstance(form.city.data, int) and form.city.data > 0 else None
    filters = queries.ListFilters(
        status=form.status.data or "",
        city_id=city_id,
        page=max(1, request.args.get("page", 1, type=int) or 1),
    )
    page = queries.workspace_page(current_user, filters)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for("workspaces.index", page=number, **args)

    return render_template(
        "workspaces/index.html",
        form=form,
        page=page,
        filters=filters,
        mine=queries.my_workspaces(current_user),
        page_url=page_url,
    )


# Creating and editing


def _workspace_input(form: WorkspaceForm) -> services.WorkspaceInput:
    return services.WorkspaceInput(
        title=form.title.data or "",
        purpose=form.purpose.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        visibility=form.visibility.data or "",
        city_ids=list(form.city_ids.data or []) if "city_ids" in form else [],
    )


def _render_form(
    form: WorkspaceForm,
    workspace: Workspace | None,
    status: int,
    conflict: dict[str, Any] | None = None,
) -> tuple[str, int]:
    return (
        render_template("workspaces/form.html", form=form, workspace=workspace, conflict=conflict),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    """Start a workspace: it is "proposed", and its creator leads it."""
    _signed_in()
    require(permissions.can_create_workspace, current_user)
    actor = _actor()
    if request.method == "POST":
        form = WorkspaceForm()
    else:
        preselected = [actor.city_id] if actor.role == DELEGATE and actor.city_id else []
        form = WorkspaceForm(data={"visibility": "public", "city_ids": preselected})
    form.city_ids.choices = options(city_choices())
    del form.version
    if form.validate_on_submit():
        try:
            workspace = services.create_workspace(actor, _workspace_input(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if len(workspace.cities) < 2:
                flash(
                    _(
                        "The workspace is started. A joint initiative needs two or more cities: "
                        "invite the others from the members page."
                    ),
                    "success",
                )
            else:
                flash(_("The workspace is started. You lead it."), "success")
            return redirect(_show_url(workspace), code=303)
    return _render_form(form, None, 400 if form.is_submitted() else 200)


@bp.route("/<int:workspace_id>/edit", methods=["GET", "POST"])
def edit(workspace_id: int) -> Response | tuple[str, int]:
    """Edit the details; if another lead saved meanwhile, say so and keep the editor's input."""
    workspace = _managed(workspace_id)
    if request.method == "POST":
        form = WorkspaceForm()
    else:
        form = WorkspaceForm(
            data={
                "title": workspace.title,
                "purpose": workspace.purpose,
                "starts_on": workspace.starts_on,
                "ends_on": workspace.ends_on,
                "visibility": workspace.visibility,
                "version": str(workspace.version),
            }
        )
    del form.city_ids
    if form.validate_on_submit():
        data = _workspace_input(form)
        yours = asdict(data)
        try:
            services.update_workspace(_actor(), workspace, data, form.started_from())
        except ConflictError as error:
            conflict = {"message": error.message, "saved": _saved(workspace), "yours": yours}
            form.version.data = str(workspace.version)
            return _render_form(form, workspace, 409, conflict)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_show_url(workspace), code=303)
    return _render_form(form, workspace, 400 if form.is_submitted() else 200)


def _saved(workspace: Workspace) -> dict[str, Any]:
    """The workspace as saved now, for the conflict notice (the service changed nothing)."""
    return {
        "title": workspace.title,
        "purpose": workspace.purpose,
        "starts_on": workspace.starts_on,
        "ends_on": workspace.ends_on,
        "visibility": workspace.visibility,
    }


@bp.post("/<int:workspace_id>/status")
def change_status(workspace_id: int) -> Response:
    """Move the status on, archive, or take out of the archive (leads)."""
    workspace = _workspace(workspace_id)
    _signed_in()
    require(permissions.can_change_status, current_user, workspace)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return redirect(_show_url(workspace), code=303)
    was_archived = workspace.status == "archived"
    try:
        services.change_status(_actor(), workspace, form.status.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        if was_archived:
            flash(_("The workspace is out of the archive."), "success")
        elif workspace.status == "archived":
            flash(
                _("The workspace is archived: it stays readable, and nothing in it can change."),
                "success",
            )
        else:
            flash(
                _("The status is now “%(status)s”.", status=status_labels()[workspace.status]),
                "success",
            )
    return redirect(_show_url(workspace), code=303)


# Reading


@bp.get("/<int:workspace_id>")
def show(workspace_id: int) -> str:
    """The overview: purpose, dates, status, cities, leads, linked practices, recent activity."""
    workspace = _workspace(workspace_id)
    manage = permissions.can_manage(current_user, workspace)
    link_form = None
    if manage:
        link_form = PracticeLinkForm(formdata=None)
        link_form.practice_id.choices = options(
            [("", _("Choose a practice")),
             *queries.linkable_practices(workspace, current_user)]
        )  # fmt: skip
    return render_template(
        "workspaces/show.html",
        workspace=workspace,
        practices=queries.linked_practices(workspace, current_user),
        recent=queries.recent_activity(workspace, current_user),
        pending=services.pending_request(current_user, workspace),
        join_form=JoinForm(formdata=None),
        link_form=link_form,
        confirm_form=ConfirmForm(formdata=None),
        status_moves=_status_moves(workspace),
    )


def _status_moves(workspace: Workspace) -> list[tuple[str, str]]:
    """The status buttons a lead sees: (status, label)."""
    if workspace.status == "archived":
        back = workspace.status_before_archive or "proposed"
        return [(back, _("Take out of the archive"))]
    moves = [(after, "") for before, after in sorted(services.STATUS_MOVES)
             if before == workspace.status]  # fmt: skip
    labelled = [(after, _("Mark as “%(status)s”", status=status_labels()[after]))
                for after, _label in moves]  # fmt: skip
    return [*labelled, ("archived", _("Archive"))]


# Members, cities and requests


@bp.get("/<int:workspace_id>/members")
def members(workspace_id: int) -> str:
    """Members with their roles and cities, member cities, and (for leads) pending requests."""
    workspace = _workspace(workspace_id)
    return _render_members(workspace)


def _render_members(
    workspace: Workspace,
    add_form: AddMemberForm | None = None,
    city_form: CityForm | None = None,
) -> str:
    manage = permissions.can_manage(current_user, workspace)
    if manage and city_form is None:
        city_form = CityForm(formdata=None)
    if city_form is not None:
        present = {c.city_id for c in workspace.cities}
        city_form.city_id.choices = options(
            [("", _("Choose a city")), *[(i, n) for i, n in city_choices() if i not in present]]
        )
    return render_template(
        "workspaces/members.html",
        workspace=workspace,
        manage=manage,
        add_form=add_form or (AddMemberForm(formdata=None) if manage else None),
        city_form=city_form,
        role_form=RoleForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        requests=queries.pending_requests(workspace) if manage else [],
        open_tasks=queries.open_task_counts(workspace) if manage else {},
        join_form=JoinForm(formdata=None),
        pending=services.pending_request(current_user, workspace),
    )


@bp.post("/<int:workspace_id>/members")
def add_member(workspace_id: int) -> Response | tuple[str, int]:
    """Add a member by e-mail address or exact name (leads)."""
    workspace = _managed(workspace_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            member = services.add_member(
                _actor(), workspace, form.who.data or "", form.role.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s is now a member.", name=member.user.display_name), "success")
            return redirect(_members_url(workspace), code=303)
    return _render_members(workspace, add_form=form), 400


def _confirmed() -> bool:
    return ConfirmForm().validate_on_submit()


@bp.post("/<int:workspace_id>/members/<int:user_id>/remove")
def remove_member(workspace_id: int, user_id: int) -> Response:
    """Take a member out (never the last lead)."""
    workspace = _managed(workspace_id)
    if not _confirmed():
        abort(400)
    try:
        services.remove_member(_actor(), workspace, user_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The member is removed."), "success")
    return redirect(_members_url(workspace), code=303)


@bp.post("/<int:workspace_id>/members/<int:user_id>/role")
def change_role(workspace_id: int, user_id: int) -> Response:
    """Make a member a lead, or a lead a member (never the last lead)."""
    workspace = _managed(workspace_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return redirect(_members_url(workspace), code=303)
    try:
        services.change_role(_actor(), workspace, user_id, form.role.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The role is changed."), "success")
    return redirect(_members_url(workspace), code=303)


@bp.post("/<int:workspace_id>/leave")
def leave(workspace_id: int) -> Response:
    """Leave the workspace (its last lead cannot)."""
    workspace = _workspace(workspace_id)
    _signed_in()
    require(permissions.is_member, current_user, workspace)
    if not _confirmed():
        abort(400)
    try:
        services.leave(_actor(), workspace)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(_members_url(workspace), code=303)
    flash(_("You left the workspace."), "success")
    if workspace.is_members_only:
        return redirect(url_for("workspaces.index"), code=303)
    return redirect(_show_url(workspace), code=303)


@bp.post("/<int:workspace_id>/cities")
def add_city(workspace_id: int) -> Response | tuple[str, int]:
    """A city joins the workspace (leads)."""
    workspace = _managed(workspace_id)
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = services.add_city(_actor(), workspace, form.city_id.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(city)s takes part now.", city=city.name), "success")
            return redirect(_members_url(workspace, "cities"), code=303)
    return _render_members(workspace, city_form=form), 400


@bp.post("/<int:workspace_id>/cities/<int:city_id>/remove")
def remove_city(workspace_id: int, city_id: int) -> Response:
    """A city leaves the workspace (not while it owns open tasks)."""
    workspace = _managed(workspace_id)
    if not _confirmed():
        abort(400)
    try:
        services.remove_city(_actor(), workspace, city_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The city no longer takes part."), "success")
    return redirect(_members_url(workspace, "cities"), code=303)


@bp.post("/<int:workspace_id>/join")
def request_to_join(workspace_id: int) -> Response:
    """Ask to join a public workspace (a lead answers)."""
    workspace = _workspace(workspace_id)
    _signed_in()
    require(permissions.can_ask_to_join, current_user, workspace)
    form = JoinForm()
    if not form.validate_on_submit():
        flash(_("The message is limited to 1000 characters."), "error")
        return redirect(_show_url(workspace), code=303)
    try:
        services.request_to_join(_actor(), workspace, form.message.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Your request is sent to the workspace's leads."), "success")
    return redirect(_show_url(workspace), code=303)


@bp.post("/<int:workspace_id>/requests/<int:request_id>")
def decide_request(workspace_id: int, request_id: int) -> Response:
    """Accept or decline a request to join (leads)."""
    workspace = _managed(workspace_id)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("accept", "decline"):
        abort(400)
    accept = form.decision.data == "accept"
    try:
        join_request = services.decide_request(_actor(), workspace, request_id, accept)
    except DomainError as error:
        flash(error.message, "error")
    else:
        name = join_request.user.display_name
        if accept:
            flash(_("%(name)s is now a member.", name=name), "success")
        else:
            flash(_("The request of %(name)s is declined.", name=name), "success")
    return redirect(_members_url(workspace, "requests"), code=303)


# Linked practices


@bp.post("/<int:workspace_id>/practices")
def link_practice(workspace_id: int) -> Response:
    """Link a practice the lead can see."""
    workspace = _managed(workspace_id)
    form = PracticeLinkForm()
    if not form.validate_on_submit():
        flash(_("Choose a practice from the list."), "error")
        return redirect(_show_url(workspace, "practices"), code=303)
    try:
        practice = services.link_practice(_actor(), workspace, form.practice_id.data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("“%(title)s” is linked.", title=practice.title), "success")
    return redirect(_show_url(workspace, "practices"), code=303)


@bp.post("/<int:workspace_id>/practices/<int:practice_id>/unlink")
def unlink_practice(workspace_id: int, practice_id: int) -> Response:
    """Take a practice off the workspace."""
    workspace = _managed(workspace_id)
    if not _confirmed():
        abort(400)
    try:
        services.unlink_practice(_actor(), workspace, practice_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The practice is no longer linked."), "success")
    return redirect(_show_url(workspace, "practices"), code=303)


# The thread and the search inside a workspace


@bp.get("/<int:workspace_id>/discussion")
def discussion(workspace_id: int) -> str:
    """The workspace's thread: its members comment, whoever sees the workspace reads."""
    workspace = _workspace(workspace_id)
    block = thread_block(
        "workspace",
        workspace.id,
        current_user,
        request_page(),
        request_reply_to(),
        discussion_hooks.discussion_path(workspace.id),
    )
    return render_template("workspaces/discussion.html", workspace=workspace, section=block)


@bp.get("/<int:workspace_id>/search")
def search(workspace_id: int) -> str:
    """Search the workspace, its tasks and its thread."""
    workspace = _workspace(workspace_id)
    form = SearchForm(request.args)
    query = (form.q.data or "").strip() if form.validate() else ""
    hits = queries.search_workspace(workspace, current_user, query) if query else []
    return render_template(
        "workspaces/search.html",
        workspace=workspace,
        form=form,
        query=query,
        hits=hits,
        kind_label=kinds.label_of_one,
    )
