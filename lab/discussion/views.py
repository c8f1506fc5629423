"""Discussion pages: topics (list, new, page), comments (post, reply, edit, delete, permalink,
earlier versions). The thread block is shared with the practice page (lab/practices/
discussion_hooks.py) and any other owner of a thread.

Importing this module registers topics as thread owners and the search kinds "topic" and
"comment".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from lab.auth.models import User
from lab.auth.services import city_choices
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.discussion import (
    notification_targets,  # noqa: F401  (comments, topics)
    owners,
    permissions,
    queries,
    services,
)
from lab.discussion.blocks import request_page, request_reply_to, thread_block
from lab.discussion.forms import (
    CommentForm,
    EditCommentForm,
    TopicFilterForm,
    TopicForm,
    language_choices,
    new_submission_key,
)
from lab.discussion.mentions import mention_of
from lab.discussion.models import Comment, Thread, Topic
from lab.extensions import db, login_manager
from lab.search import kinds
from lab.taxonomy.services import theme_choices

bp = Blueprint("discussion", __name__)

kinds.register("topic", _l("Discussions"), order=20, one=_l("Discussion"))
kinds.register("comment", _l("Comments"), order=30, one=_l("Comment"))
kinds.register_reindexer("topic", services.reindex_topics)
kinds.register_reindexer("comment", services.reindex_comments)


# Topics own threads


def _topic_any_state(topic_id: int) -> Topic | None:
    return db.session.get(
        Topic, topic_id, execution_options={"include_hidden": True, "include_deleted": True}
    )


def _topic_can_view(user: Any, topic_id: int) -> bool:
    topic = _topic_any_state(topic_id)
    return topic is not None and permissions.can_view_topic(user, topic)


def _topic_can_comment(user: Any, topic_id: int) -> bool:
    topic = _topic_any_state(topic_id)
    return topic is not None and topic.hidden_at is None and topic.deleted_at is None


def _describe_topics(ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = db.session.execute(
        select(Topic.id, Topic.title)
        .where(Topic.id.in_(ids))
        .execution_options(include_hidden=True, include_deleted=True)
    )
    return {
        row.id: (row.title, f"/discussions/{row.id}-{services.topic_slug(row.title)}")
        for row in rows
    }


owners.register_owner(
    "topic",
    can_view=_topic_can_view,
    can_comment=_topic_can_comment,
    describe=_describe_topics,
    search_scope=lambda topic_id: services.topic_search_scope(_topic_any_state(topic_id)),
)


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """Templates ask the same questions as the views."""
    state.app.jinja_env.globals.update(
        can_comment=permissions.can_comment,
        can_edit_comment=permissions.can_edit_comment,
        can_delete_comment=permissions.can_delete_comment,
        can_read_comment_text=permissions.can_read_comment_text,
        can_see_comment_versions=permissions.can_see_comment_versions,
        can_create_topic=permissions.can_create_topic,
        can_edit_topic=permissions.can_edit_topic,
        new_submission_key=new_submission_key,
        mention_of=mention_of,
        topic_slug=services.topic_slug,
    )


def _actor() -> User:
    return current_user._get_current_object()


def _signed_in() -> None:
    """Send a visitor to sign in (after any 404 check, so private things still look missing)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


# Topics


def _filter_form() -> TopicFilterForm:
    form = TopicFilterForm(request.args)
    form.theme.choices = options([("", _("All themes")), *theme_choices()])
    everywhere = [("", _("All cities and the whole Lab")), (queries.LAB_WIDE, _("Lab-wide"))]
    form.city.choices = options([*everywhere, *city_choices()])
    return form


@bp.get("/discussions")
def index() -> str:
    """Discussion topics, newest activity first, by theme and by city or Lab-wide."""
    form = _filter_form()
    theme_id = request.args.get("theme", None, type=int)
    city_arg = request.args.get("city", "")
    city: int | str | None = queries.LAB_WIDE if city_arg == queries.LAB_WIDE else None
    if city is None and city_arg.isdigit():
        city = int(city_arg)
    topics = queries.topics_page(theme_id, city, page=request_page())
    return render_template("discussion/index.html", form=form, topics=topics)


def _topic_form() -> TopicForm:
    form = TopicForm() if request.method == "POST" else TopicForm(data={"language": "en"})
    form.language.choices = language_choices()
    form.theme_id.choices = options([("", _("No theme")), *theme_choices()])
    form.city_id.choices = options([("", _("Lab-wide")), *city_choices()])
    return form


@bp.route("/discussions/new", methods=["GET", "POST"])
def new_topic() -> Response | tuple[str, int]:
    """Open a discussion topic."""
    _signed_in()
    require(permissions.can_create_topic, current_user)
    form = _topic_form()
    if request.method == "POST" and form.validate_on_submit():
        try:
            topic = services.create_topic(
                _actor(),
                services.TopicInput(
                    title=form.title.data or "",
                    body=form.body.data or "",
                    language=form.language.data or "",
                    theme_id=form.theme_id.data,
                    city_id=form.city_id.data,
                ),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your topic is open for discussion."), "success")
            return redirect(services.topic_path(topic), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("discussion/new.html", form=form), status


@bp.get("/discussions/<int:topic_id>-<slug>")
@bp.get("/discussions/<int:topic_id>", defaults={"slug": ""})
def topic(topic_id: int, slug: str) -> Response | str:
    """A topic: its opening post and its thread; a wrong slug redirects to the right one.

    A topic hidden by a moderator is read by its author and the staff, with the reason; others
    are told it was hidden, and see neither its title (no redirect to the slug) nor its thread.
    """
    found = services.load_topic(topic_id)
    if found is None:
        abort(404)
    if permissions.shows_hidden_topic_placeholder(current_user, found):
        return render_template("discussion/topic.html", topic=None, hidden_placeholder=True)
    require(permissions.can_view_topic, current_user, found, not_found=True)
    if slug != services.topic_slug(found.title):
        return redirect(services.topic_path(found), code=301)
    block = thread_block(
        "topic",
        found.id,
        current_user,
        request_page(),
        request_reply_to(),
        services.topic_path(found),
    )
    return render_template("discussion/topic.html", topic=found, section=block)


# Comments


def _owner_visible_or_404(owner_kind: str, owner_id: int) -> None:
    if not owners.is_registered(owner_kind):
        abort(404)
    if not owners.owner(owner_kind).can_view(current_user, owner_id):
        abort(404)


def _comment_or_404(comment_id: int) -> tuple[Comment, Thread]:
    """The comment the URL names, if the viewer may see its thread (else the same 404)."""
    comment = services.load_comment(comment_id)
    if comment is None:
        abort(404)
    thread = db.session.get(Thread, comment.thread_id)
    if thread is None or not permissions.can_view_thread(current_user, thread):
        abort(404)
    return comment, thread


def _comment_url(comment: Comment, thread: Thread) -> str:
    _title, url = owners.owner(thread.owner_kind).describe([thread.owner_id])[thread.owner_id]
    return f"{url}?page={services.comment_page_for(comment)}#comment-{comment.id}"


def _refused_form(
    form: CommentForm, error: DomainError, thread_url: str, heading: str, action: str
) -> tuple[str, int]:
    """The comment form again, with the text kept and the message: nothing was saved."""
    show_domain_error(form, error)
    status = 403 if isinstance(error, PermissionDeniedError) else 400
    status = 404 if isinstance(error, NotFoundError) else status
    return (
        render_template(
            "discussion/comment_form.html",
            form=form,
            heading=heading,
            action=action,
            thread_url=thread_url,
            message=error.message if not error.field else None,
        ),
        status,
    )


def _post(owner_kind: str, owner_id: int, parent_id: int | None, action: str) -> Any:
    form = CommentForm()
    _title, thread_url = owners.owner(owner_kind).describe([owner_id]).get(owner_id, ("", "/"))
    heading = _("Reply") if parent_id else _("Your comment")
    if not form.validate_on_submit():
        return _refused_form(
            form, DomainError(_("Please try again."), "body"), thread_url, heading, action
        )
    try:
        comment = services.comment_on(
            _actor(),
            owner_kind,
            owner_id,
            form.body.data or "",
            parent_id=parent_id,
            submission_key=form.submission_key.data or "",
        )
    except DomainError as error:
        return _refused_form(form, error, thread_url, heading, action)
    thread = db.session.get(Thread, comment.thread_id)
    assert thread is not None
    return redirect(_comment_url(comment, thread), code=303)


@bp.post("/threads/<owner_kind>/<int:owner_id>/comments")
def comment(owner_kind: str, owner_id: int) -> Any:
    """Post a comment in the thread of a topic, a practice or a workspace."""
    _owner_visible_or_404(owner_kind, owner_id)
    _signed_in()
    return _post(
        owner_kind,
        owner_id,
        None,
        url_for("discussion.comment", owner_kind=owner_kind, owner_id=owner_id),
    )


@bp.post("/comments/<int:comment_id>/replies")
def reply(comment_id: int) -> Any:
    """Reply to a comment (nested to three levels, then flat)."""
    parent, thread = _comment_or_404(comment_id)
    _signed_in()
    return _post(
        thread.owner_kind,
        thread.owner_id,
        parent.id,
        url_for("discussion.reply", comment_id=parent.id),
    )


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int) -> Response:
    """A comment's permanent address: its thread at the right page, scrolled to it."""
    found, thread = _comment_or_404(comment_id)
    return redirect(_comment_url(found, thread), code=302)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int) -> Any:
    """Edit one's own comment (the earlier text is kept)."""
    found, thread = _comment_or_404(comment_id)
    _signed_in()
    require(permissions.can_edit_comment, current_user, found)
    form = EditCommentForm() if request.method == "POST" else EditCommentForm(body=found.body)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.edit_comment(_actor(), found, form.body.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your comment was changed."), "success")
            return redirect(_comment_url(found, thread), code=303)
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "discussion/edit_comment.html",
            form=form,
            comment=found,
            thread_url=_comment_url(found, thread),
        ),
        status,
    )


@bp.post("/comments/<int:comment_id>/delete")
def delete_comment(comment_id: int) -> Response:
    """Delete one's own comment ("comment deleted" stays in its place)."""
    found, thread = _comment_or_404(comment_id)
    _signed_in()
    require(permissions.can_delete_comment, current_user, found)
    try:
        services.delete_comment(_actor(), found)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Your comment was deleted."), "success")
    return redirect(_comment_url(found, thread), code=303)


@bp.get("/comments/<int:comment_id>/versions")
def versions(comment_id: int) -> str:
    """The earlier texts of an edited comment (coordinators)."""
    found, thread = _comment_or_404(comment_id)
    _signed_in()
    require(permissions.can_see_comment_versions, current_user)
    return render_template(
        "discussion/versions.html",
        comment=found,
        versions=services.comment_versions(found),
        thread_url=_comment_url(found, thread),
    )
