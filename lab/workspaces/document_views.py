"""Workspace documents (with versions, downloads checked on every request) and the activity feed.

Every view starts with :func:`lab.workspaces.loading.load_workspace` (404 unless the viewer may see
the workspace) and loads what the URL names inside that workspace only
(:func:`lab.workspaces.loading.load_child`): a document of another workspace is a 404 here. Changes
need the user to be a member who can write (``can_contribute``): a visitor is sent to sign in, a
signed-in non-member gets 403 on a public workspace (and 404 on a members-only one, as for reading).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from lab.core.errors import DomainError
from lab.core.forms import show_domain_error
from lab.core.permissions import require
from lab.extensions import login_manager
from lab.storage import services as storage
from lab.workspaces import activity as feed
from lab.workspaces import document_services as documents
from lab.workspaces.document_forms import DocumentForm, VersionForm
from lab.workspaces.loading import load_child, load_workspace
from lab.workspaces.models import Document, Workspace
from lab.workspaces.permissions import can_contribute
from lab.workspaces.queries import visible_activity

bp = Blueprint("workspace_documents", __name__, url_prefix="/workspaces")
ACTIVITY_PER_PAGE = 50


def _actor() -> Any:
    return current_user._get_current_object()


def _workspace(workspace_id: int) -> Workspace:
    """The workspace, or the same 404 as a missing one for those who may not see it."""
    return load_workspace(workspace_id, current_user)


def _document(workspace: Workspace, document_id: int) -> Document:
    """A live document of this workspace, or 404."""
    document: Document = load_child(Document, document_id, workspace)
    if document.deleted_at is not None:
        abort(404)
    return document


def _contributing(workspace_id: int) -> Workspace:
    """Load → 404 unless visible → sign in → 403 unless a member who can write."""
    workspace = _workspace(workspace_id)
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    require(can_contribute, current_user, workspace)
    return workspace


def _upload(form_file: Any) -> documents.Upload:
    return documents.Upload(form_file.stream, form_file.filename or "")


# Documents


def _render_index(
    workspace: Workspace, form: DocumentForm | None = None, status: int = 200
) -> tuple[str, int]:
    may_contribute = can_contribute(current_user, workspace)
    if form is None and may_contribute:
        form = DocumentForm(formdata=None)
    return (
        render_template(
            "workspaces/documents.html",
            workspace=workspace,
            documents=documents.live_documents(workspace),
            form=form if may_contribute else None,
        ),
        status,
    )


@bp.get("/<int:workspace_id>/documents")
def index(workspace_id: int) -> tuple[str, int]:
    """The workspace's documents with their current version; the upload form for members."""
    return _render_index(_workspace(workspace_id))


@bp.post("/<int:workspace_id>/documents")
def upload(workspace_id: int) -> Response | tuple[str, int]:
    """Upload a new document (its first version)."""
    workspace = _contributing(workspace_id)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = documents.upload_document(
                _actor(),
                workspace,
                _upload(form.file.data),
                form.title.data or "",
                form.description.data or "",
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The document %(title)s is uploaded.", title=document.title), "success")
            return redirect(
                url_for(".show", workspace_id=workspace.id, document_id=document.id), code=303
            )
    return _render_index(workspace, form, 400)


def _render_show(
    workspace: Workspace, document: Document, form: VersionForm | None = None, status: int = 200
) -> tuple[str, int]:
    may_contribute = can_contribute(current_user, workspace)
    if form is None and may_contribute:
        form = VersionForm(formdata=None)
    return (
        render_template(
            "workspaces/document.html",
            workspace=workspace,
            document=document,
            versions=documents.versions_of(document),
            form=form if may_contribute else None,
        ),
        status,
    )


@bp.get("/<int:workspace_id>/documents/<int:document_id>")
def show(workspace_id: int, document_id: int) -> tuple[str, int]:
    """A document with all its versions; the new-version form for members."""
    workspace = _workspace(workspace_id)
    return _render_show(workspace, _document(workspace, document_id))


@bp.post("/<int:workspace_id>/documents/<int:document_id>/versions")
def upload_version(workspace_id: int, document_id: int) -> Response | tuple[str, int]:
    """Upload a new version of a document; the earlier versions are kept."""
    workspace = _contributing(workspace_id)
    document = _document(workspace, document_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            version = documents.upload_version(
                _actor(), workspace, document, _upload(form.file.data), form.note.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _("Version %(number)d of %(title)s is uploaded.",
                  number=version.number, title=document.title),
                "success",
            )  # fmt: skip
            return redirect(
                url_for(".show", workspace_id=workspace.id, document_id=document.id), code=303
            )
    return _render_show(workspace, document, form, 400)


@bp.post("/<int:workspace_id>/documents/<int:document_id>/delete")
def delete_document(workspace_id: int, document_id: int) -> Response:
    """Remove a document from the workspace (softly: its rows and files are kept)."""
    workspace = _contributing(workspace_id)
    document = _document(workspace, document_id)
    documents.delete_document(_actor(), workspace, document)
    flash(_("The document %(title)s is removed.", title=document.title), "success")
    return redirect(url_for(".index", workspace_id=workspace.id), code=303)


@bp.get("/<int:workspace_id>/documents/<int:document_id>/versions/<int:number>")
def download(workspace_id: int, document_id: int, number: int) -> Response:
    """Download one version; who may see the workspace is checked again on every request."""
    workspace = _workspace(workspace_id)
    document = _document(workspace, document_id)
    version = documents.version_of(document, number)
    if version is None:
        abort(404)
    # Never cached by shared caches, even for a public workspace: it may become members-only.
    return storage.send_stored_file(version.file, as_attachment=True, is_public=False)


# Activity


@bp.get("/<int:workspace_id>/activity")
def activity(workspace_id: int) -> str:
    """The whole feed, newest first, ACTIVITY_PER_PAGE lines a page ("older" follows by id)."""
    workspace = _workspace(workspace_id)
    before = request.args.get("before", type=int)
    lines = feed.recent(
        workspace,
        limit=ACTIVITY_PER_PAGE + 1,
        before_id=before,
        visible=visible_activity(current_user),
    )
    older = lines[ACTIVITY_PER_PAGE - 1].id if len(lines) > ACTIVITY_PER_PAGE else None
    return render_template(
        "workspaces/activity.html",
        workspace=workspace,
        lines=lines[:ACTIVITY_PER_PAGE],
        older=older,
        is_first_page=before is None,
    )
