"""Workspace use cases: create, edit, status, members, cities, join requests, linked practices.

Each use case commits once (``transaction()``), writes a line of the activity feed in the same
transaction, and keeps the search index in step. Member changes lock the workspace row first, so
that two leads acting at once can never leave a workspace without a lead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lab.auth.models import User
from lab.cities.models import City
from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from lab.core.markdown import render_markdown
from lab.core.types import utcnow
from lab.extensions import db
from lab.notifications import services as notifications
from lab.practices.models import Practice
from lab.practices.permissions import can_view_practice
from lab.workspaces import activity, permissions, search_hooks
from lab.workspaces.models import (
    JoinRequest,
    Task,
    Workspace,
    WorkspaceCity,
    WorkspaceMember,
    WorkspacePractice,
)
from lab.workspaces.vocabulary import ROLES, VISIBILITIES

TITLE_MAX = 200
PURPOSE_MAX = 20_000
MESSAGE_MAX = 1000

# Where a lead may move the status (archiving and unarchiving are separate moves).
STATUS_MOVES = {("proposed", "active"), ("active", "completed")}


@dataclass
class WorkspaceInput:
    """What a lead sets on a workspace (the member cities only when it is created)."""

    title: str
    purpose: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    visibility: str = "public"
    city_ids: list[int] = field(default_factory=list)


def workspace_path(workspace: Workspace) -> str:
    """The workspace's address."""
    try:
        return url_for("workspaces.show", workspace_id=workspace.id)
    except RuntimeError:
        return f"/workspaces/{workspace.id}"


def _clean(data: WorkspaceInput) -> WorkspaceInput:
    data.title = " ".join((data.title or "").split())
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    data.purpose = (data.purpose or "").replace("\r\n", "\n")
    if len(data.purpose) > PURPOSE_MAX:
        raise DomainError(
            _("The purpose is limited to %(n)d characters.", n=PURPOSE_MAX), "purpose"
        )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise DomainError(_("The end date comes before the start date."), "ends_on")
    if data.visibility not in VISIBILITIES:
        raise DomainError(_("Choose who can see the workspace."), "visibility")
    data.city_ids = list(dict.fromkeys(int(c) for c in data.city_ids))
    return data


def _slug(title: str, workspace_id: int | None = None) -> str:
    """A slug from the title, unique among live workspaces (``-2``, ``-3``… when taken)."""
    base = slugify(title, max_length=70) or "workspace"
    query = select(Workspace.slug).where(
        or_(Workspace.slug == base, Workspace.slug.like(f"{base}-%"))
    )
    if workspace_id is not None:
        query = query.where(Workspace.id != workspace_id)
    taken = set(db.session.scalars(query.execution_options(include_hidden=True)))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(workspace: Workspace, data: WorkspaceInput) -> None:
    if workspace.title != data.title or not workspace.slug:
        workspace.slug = _slug(data.title, workspace.id)
    workspace.title = data.title
    if workspace.purpose != data.purpose or not workspace.purpose_html:
        workspace.purpose = data.purpose
        workspace.purpose_html = render_markdown(data.purpose)
    workspace.starts_on = data.starts_on
    workspace.ends_on = data.ends_on
    workspace.visibility = data.visibility


def _lock(workspace: Workspace) -> None:
    """Lock the workspace row until the end of the transaction (PostgreSQL: FOR UPDATE; SQLite:
    writing requests already hold the database lock from BEGIN IMMEDIATE)."""
    db.session.execute(
        select(Workspace.id).where(Workspace.id == workspace.id).with_for_update()
    ).all()


def _fresh_members(workspace: Workspace) -> list[WorkspaceMember]:
    """The members as they are in the database now (after the lock)."""
    return list(
        db.session.scalars(
            select(WorkspaceMember)
            .where(WorkspaceMember.workspace_id == workspace.id)
            .order_by(WorkspaceMember.joined_at, WorkspaceMember.id)
            .execution_options(populate_existing=True)
        )
    )


def _refresh(workspace: Workspace) -> None:
    db.session.flush()
    db.session.expire(workspace, ["members", "cities"])


# Creating and editing


def _insert_with_unique_slug(actor: User, data: WorkspaceInput, attempts: int = 3) -> Workspace:
    """Insert the workspace; if another one took the same slug at the same moment, take the next
    free one (each try in a savepoint, so the use case goes on)."""
    for attempt in range(attempts):
        workspace = Workspace(status="proposed", created_by_id=actor.id)
        _apply(workspace, data)
        try:
            with db.session.begin_nested():
                db.session.add(workspace)
                db.session.flush()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            continue
        return workspace
    raise AssertionError("unreachable")  # pragma: no cover


def create_workspace(actor: User, data: WorkspaceInput) -> Workspace:
    """A new workspace, "proposed", with the actor as its lead and at least one member city."""
    if not permissions.can_create_workspace(actor):
        raise PermissionDeniedError(_("Only delegates and coordinators start workspaces."))
    data = _clean(data)
    if not data.city_ids:
        raise DomainError(_("Choose at least one member city."), "city_ids")
    cities = list(
        db.session.scalars(
            select(City).where(City.id.in_(data.city_ids), City.deleted_at.is_(None))
        )
    )
    if len(cities) != len(data.city_ids):
        raise DomainError(_("Choose cities from the list."), "city_ids")
    with transaction():
        workspace = _insert_with_unique_slug(actor, data)
        for city in sorted(cities, key=lambda c: data.city_ids.index(c.id)):
            db.session.add(WorkspaceCity(workspace_id=workspace.id, city_id=city.id,
                                         added_by_id=actor.id))  # fmt: skip
        db.session.add(
            WorkspaceMember(
                workspace_id=workspace.id, user_id=actor.id, role="lead", added_by_id=actor.id
            )
        )
        activity.record(workspace, actor, "workspace_created", title=workspace.title)
        _refresh(workspace)
        notifications.follow(actor.id, "workspace", workspace.id)
        search_hooks.index_workspace(workspace)
    return workspace


def update_workspace(
    actor: User, workspace: Workspace, data: WorkspaceInput, version: int
) -> Workspace:
    """Save an edit made from ``version``; if someone saved since, raise ConflictError.

    A change of visibility takes the workspace's tasks and thread comments along in the index.
    """
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads change its details."))
    data = _clean(data)
    message = _("Someone else saved this workspace while you were editing it.")
    if version != workspace.version:
        raise ConflictError(message)
    try:
        with transaction():
            before = {
                "title": workspace.title,
                "visibility": workspace.visibility,
            }
            _apply(workspace, data)
            changed = [name for name, value in before.items() if getattr(workspace, name) != value]
            activity.record(
                workspace, actor, "workspace_edited", title=workspace.title, changed=changed
            )
            db.session.flush()
            search_hooks.index_workspace(workspace)
            if changed:  # the tasks' documents carry the title, and all follow the visibility
                search_hooks.rescope_contents(workspace)
    except StaleDataError:
        raise ConflictError(message) from None
    return workspace


def change_status(actor: User, workspace: Workspace, status: str) -> Workspace:
    """proposed -> active -> completed; any -> archived; archived -> where it was."""
    if not permissions.can_change_status(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads change its status."))
    current = workspace.status
    if status == "archived":
        if current == "archived":
            raise DomainError(_("The workspace is already archived."), "status")
    elif current == "archived":
        if status != (workspace.status_before_archive or "proposed"):
            raise DomainError(_("This change of status is not possible."), "status")
    elif (current, status) not in STATUS_MOVES:
        raise DomainError(_("This change of status is not possible."), "status")
    try:
        with transaction():
            if status == "archived":
                workspace.status_before_archive = current
            else:
                workspace.status_before_archive = None
            workspace.status = status
            activity.record(
                workspace, actor, "status_changed", title=workspace.title,
                from_status=current, to_status=status,
            )  # fmt: skip
            db.session.flush()
            search_hooks.index_workspace(workspace)
    except StaleDataError:
        raise ConflictError(_("Someone else changed this workspace meanwhile.")) from None
    return workspace


# Members


def find_user(identifier: str) -> User:
    """The user with this e-mail address or exact display name; a clear DomainError when there
    is nobody, or several people with that name."""
    text = " ".join((identifier or "").split())
    users = []
    if text:
        users = list(
            db.session.scalars(
                select(User)
                .where(or_(func.lower(User.email) == text.lower(), User.display_name == text))
                .order_by(User.id)
                .limit(3)
            )
        )
    by_email = [u for u in users if u.email.lower() == text.lower()]
    if by_email:
        return by_email[0]
    if len(users) == 1:
        return users[0]
    if users:
        raise DomainError(
            _("Several people have this name: type their e-mail address instead."), "who"
        )
    raise DomainError(
        _("Nobody with this e-mail address or name has an account. Check the spelling."), "who"
    )


def _usable(user: User) -> bool:
    return bool(getattr(user, "is_active", True) and getattr(user, "deactivated_at", None) is None)


def _add_city_if_missing(workspace: Workspace, actor: User, city: City | None) -> None:
    if city is None:
        return
    present = db.session.scalar(
        select(WorkspaceCity.city_id).where(
            WorkspaceCity.workspace_id == workspace.id, WorkspaceCity.city_id == city.id
        )
    )
    if present is None:
        db.session.add(WorkspaceCity(workspace_id=workspace.id, city_id=city.id,
                                     added_by_id=actor.id))  # fmt: skip
        activity.record(workspace, actor, "city_added", city, city=city.name)


def _join(workspace: Workspace, actor: User, user: User, role: str) -> WorkspaceMember:
    member = WorkspaceMember(
        workspace_id=workspace.id, user_id=user.id, role=role, added_by_id=actor.id
    )
    db.session.add(member)
    db.session.flush()
    activity.record(workspace, actor, "member_joined", user, name=user.display_name, role=role)
    _add_city_if_missing(workspace, actor, user.city if user.city_id else None)
    notifications.follow(user.id, "workspace", workspace.id)
    if user.id != actor.id:  # someone else added them; joining by one's own request needs no note
        notifications.notify(
            [user.id],
            "workspace_added",
            actor_id=actor.id,
            target_kind="workspace",
            target_id=workspace.id,
        )
    # A pending request of theirs is settled by joining.
    for request in db.session.scalars(
        select(JoinRequest).where(
            JoinRequest.workspace_id == workspace.id,
            JoinRequest.user_id == user.id,
            JoinRequest.state == "pending",
        )
    ):
        request.state = "accepted"
        request.decided_at = utcnow()
        request.decided_by_id = actor.id
    return member


def add_member(actor: User, workspace: Workspace, identifier: str, role: str) -> WorkspaceMember:
    """Add a user (found by e-mail address or exact name) with a role; their city joins too."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads add members."))
    if role not in ROLES:
        raise DomainError(_("Choose a role from the list."), "role")
    user = find_user(identifier)
    if not _usable(user):
        raise DomainError(_("This account is deactivated: it cannot join a workspace."), "who")
    with transaction():
        _lock(workspace)
        members = _fresh_members(workspace)
        if not any(m.user_id == actor.id and m.is_lead for m in members):
            raise PermissionDeniedError(_("You no longer lead this workspace."))
        if any(m.user_id == user.id for m in members):
            raise DomainError(_("%(name)s is already a member.", name=user.display_name), "who")
        member = _join(workspace, actor, user, role)
        _refresh(workspace)
    return member


def _member(workspace: Workspace, user_id: int, lead: User | None = None) -> WorkspaceMember:
    """The membership of ``user_id`` as it is now (after the lock); with ``lead``, also check
    that this actor still leads (another lead may have changed their role meanwhile)."""
    members = _fresh_members(workspace)
    if lead is not None and not any(m.user_id == lead.id and m.is_lead for m in members):
        raise PermissionDeniedError(_("You no longer lead this workspace."))
    member = next((m for m in members if m.user_id == user_id), None)
    if member is None:
        raise NotFoundError(_("This person is not a member of the workspace."))
    return member


def _lead_count(workspace: Workspace) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(WorkspaceMember)
            .where(WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.role == "lead")
        )
        or 0
    )


LAST_LEAD = "last lead"


def _refuse_last_lead(workspace: Workspace, member: WorkspaceMember) -> None:
    if member.role == "lead" and _lead_count(workspace) <= 1:
        raise DomainError(
            _("A workspace always keeps at least one lead: make another member a lead first.")
        )


def _drop(workspace: Workspace, actor: User, member: WorkspaceMember, verb: str) -> None:
    user = member.user
    db.session.delete(member)
    activity.record(workspace, actor, verb, user, name=user.display_name)
    notifications.unfollow(user.id, "workspace", workspace.id)


def remove_member(actor: User, workspace: Workspace, user_id: int) -> None:
    """Take someone out of the workspace (never its last lead)."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads remove members."))
    with transaction():
        _lock(workspace)
        member = _member(workspace, user_id, lead=actor)
        _refuse_last_lead(workspace, member)
        _drop(workspace, actor, member, "member_removed" if user_id != actor.id else "member_left")
        _refresh(workspace)


def change_role(actor: User, workspace: Workspace, user_id: int, role: str) -> WorkspaceMember:
    """Make a member a lead, or a lead a member (never the last lead)."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads change roles."))
    if role not in ROLES:
        raise DomainError(_("Choose a role from the list."), "role")
    with transaction():
        _lock(workspace)
        member = _member(workspace, user_id, lead=actor)
        if member.role == role:
            return member
        if role != "lead":
            _refuse_last_lead(workspace, member)
        before = member.role
        member.role = role
        activity.record(
            workspace, actor, "role_changed", member.user,
            name=member.user.display_name, role=role, from_role=before,
        )  # fmt: skip
        _refresh(workspace)
    return member


def leave(actor: User, workspace: Workspace) -> None:
    """The actor leaves the workspace (not its last lead)."""
    if not permissions.is_member(actor, workspace):
        raise PermissionDeniedError(_("You are not a member of this workspace."))
    if not permissions.is_open(workspace):
        raise DomainError(_("This workspace is archived: nothing in it can change."))
    with transaction():
        _lock(workspace)
        member = _member(workspace, actor.id)
        _refuse_last_lead(workspace, member)
        _drop(workspace, actor, member, "member_left")
        _refresh(workspace)


# Cities


def add_city(actor: User, workspace: Workspace, city_id: int | None) -> City:
    """A city joins the workspace."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads add cities."))
    city = db.session.get(City, city_id) if city_id else None
    if city is None or city.deleted_at is not None:
        raise DomainError(_("Choose a city from the list."), "city_id")
    with transaction():
        _lock(workspace)
        if any(c.city_id == city.id for c in workspace.cities):
            raise DomainError(_("%(city)s already takes part.", city=city.name), "city_id")
        _add_city_if_missing(workspace, actor, city)
        _refresh(workspace)
    return city


def remove_city(actor: User, workspace: Workspace, city_id: int) -> None:
    """A city leaves the workspace (refused while it owns open tasks)."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads remove cities."))
    with transaction():
        _lock(workspace)
        link = db.session.scalar(
            select(WorkspaceCity).where(
                WorkspaceCity.workspace_id == workspace.id, WorkspaceCity.city_id == city_id
            )
        )
        if link is None:
            raise NotFoundError(_("This city does not take part in the workspace."))
        open_tasks = db.session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.workspace_id == workspace.id, Task.city_id == city_id,
                   Task.status != "done")
        )  # fmt: skip
        if open_tasks:
            raise DomainError(
                _(
                    "%(city)s still owns %(n)d open tasks: finish them or give them to another "
                    "city first.",
                    city=link.city.name,
                    n=open_tasks,
                )
            )
        remaining = db.session.scalar(
            select(func.count())
            .select_from(WorkspaceCity)
            .where(WorkspaceCity.workspace_id == workspace.id)
        )
        if (remaining or 0) <= 1:
            raise DomainError(_("A workspace keeps at least one member city."))
        name = link.city.name
        city = link.city
        db.session.delete(link)
        activity.record(workspace, actor, "city_removed", city, city=name)
        _refresh(workspace)


# Join requests


def request_to_join(actor: User, workspace: Workspace, message: str) -> JoinRequest:
    """Ask to join a public workspace (one pending request at a time)."""
    if not permissions.can_ask_to_join(actor, workspace):
        raise PermissionDeniedError(_("You cannot ask to join this workspace."))
    message = (message or "").strip().replace("\r\n", "\n")
    if len(message) > MESSAGE_MAX:
        raise DomainError(
            _("The message is limited to %(n)d characters.", n=MESSAGE_MAX), "message"
        )
    with transaction():
        _lock(workspace)
        pending = db.session.scalar(
            select(JoinRequest.id).where(
                JoinRequest.workspace_id == workspace.id,
                JoinRequest.user_id == actor.id,
                JoinRequest.state == "pending",
            )
        )
        if pending is not None:
            raise DomainError(_("You already asked to join: a lead will answer soon."))
        request = JoinRequest(workspace_id=workspace.id, user_id=actor.id, message=message)
        db.session.add(request)
        leads = [m.user_id for m in workspace.members if m.is_lead]
        notifications.notify(
            leads,
            "join_request",
            actor_id=actor.id,
            target_kind="workspace",
            target_id=workspace.id,
        )
    return request


def pending_request(user: Any, workspace: Workspace) -> JoinRequest | None:
    """The user's pending request to join, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.workspace_id == workspace.id,
            JoinRequest.user_id == user.id,
            JoinRequest.state == "pending",
        )
    )


def decide_request(actor: User, workspace: Workspace, request_id: int, accept: bool) -> JoinRequest:
    """A lead accepts (the person joins as a member) or declines a request."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads answer requests."))
    with transaction():
        _lock(workspace)
        request = db.session.scalar(
            select(JoinRequest)
            .where(JoinRequest.id == request_id, JoinRequest.workspace_id == workspace.id)
            .execution_options(populate_existing=True)
        )
        if request is None:
            raise NotFoundError(_("There is no such request."))
        if request.state != "pending":
            raise DomainError(_("This request was already answered."))
        if accept:
            if not _usable(request.user):
                raise DomainError(_("This account is deactivated: it cannot join a workspace."))
            if not any(m.user_id == request.user_id for m in _fresh_members(workspace)):
                _join(workspace, actor, request.user, "member")
        request.state = "accepted" if accept else "declined"
        request.decided_at = utcnow()
        request.decided_by_id = actor.id
        if not accept:
            notifications.notify(
                [request.user_id],
                "join_declined",
                actor_id=actor.id,
                target_kind="workspace",
                target_id=workspace.id,
            )
        _refresh(workspace)
    return request


# Linked practices


def link_practice(actor: User, workspace: Workspace, practice_id: int | None) -> Practice:
    """Link a practice the lead can see."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads link practices."))
    practice = db.session.get(Practice, practice_id) if practice_id else None
    if practice is None or not can_view_practice(actor, practice):
        raise DomainError(_("Choose a practice from the list."), "practice_id")
    with transaction():
        present = db.session.scalar(
            select(WorkspacePractice.practice_id).where(
                WorkspacePractice.workspace_id == workspace.id,
                WorkspacePractice.practice_id == practice.id,
            )
        )
        if present is not None:
            raise DomainError(_("This practice is already linked."), "practice_id")
        db.session.add(WorkspacePractice(workspace_id=workspace.id, practice_id=practice.id,
                                         linked_by_id=actor.id))  # fmt: skip
        activity.record(workspace, actor, "practice_linked", practice, practice=practice.title)
    return practice


def unlink_practice(actor: User, workspace: Workspace, practice_id: int) -> None:
    """Take a linked practice off the workspace."""
    if not permissions.can_manage(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads unlink practices."))
    with transaction():
        link = db.session.scalar(
            select(WorkspacePractice).where(
                WorkspacePractice.workspace_id == workspace.id,
                WorkspacePractice.practice_id == practice_id,
            )
        )
        if link is None:
            raise NotFoundError(_("This practice is not linked."))
        title = link.practice.title
        practice = link.practice
        db.session.execute(
            delete(WorkspacePractice).where(
                WorkspacePractice.workspace_id == workspace.id,
                WorkspacePractice.practice_id == practice_id,
            )
        )
        activity.record(workspace, actor, "practice_unlinked", practice, practice=title)


def delete_workspace(actor: User, workspace: Workspace) -> None:
    """Delete a workspace softly (it leaves every list and the search index)."""
    if not permissions.can_change_status(actor, workspace):
        raise PermissionDeniedError(_("Only the workspace's leads delete it."))
    with transaction():
        workspace.mark_deleted()
        db.session.flush()
        search_hooks.index_workspace(workspace)
        search_hooks.rescope_contents(workspace)
