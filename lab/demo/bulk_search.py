"""The search index of a bulk load, filled after the content and in bulk.

The documents are exactly what ``flask search reindex`` would write (lab.practices.services
.reindex, lab.discussion.services._index_topic / _index_comment): the same text, visibility and
addresses, with the folded words assembled from pieces folded once. The full-text index is built
after the rows are in: on SQLite the insert trigger of migration 0004 is set aside during the load
and FTS5 rebuilds the index in one pass; on PostgreSQL the GIN index is dropped and created again
(the generated tsvector column fills itself). Kinds indexed by other features (workspaces, tasks...)
are indexed by their own registered reindexers afterwards; workspaces and tasks are written here
like lab.workspaces.search_hooks.index_workspace and lab.workspaces.task_search.reindex_task
(tests compare every kind with what the reindexers write).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from lab.discussion.services import topic_slug
from lab.extensions import db
from lab.search import kinds
from lab.search.services import TEXT_LIMIT
from lab.search.text import index_words

if TYPE_CHECKING:
    from lab.demo.bulk import World

OWN_KINDS = ("practice", "topic", "comment", "workspace", "task")


def load(world: World) -> None:
    """Every practice, topic and visible comment in search_document, then the full-text index,
    then the other features' kinds."""
    writer = world.writer
    table = world.table("search_document")
    expected = (
        len(world.practices)
        + len(world.topics)
        + len(world.comment_docs)
        + len(world.workspaces)
        + len(world.task_docs)
    )
    if world.dialect == "sqlite":
        # Set the insert trigger of migration 0004 aside, exactly as the database has it.
        trigger = db.session.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": "search_fts_after_insert"},
        )
        db.session.execute(text("DROP TRIGGER search_fts_after_insert"))
        writer.insert(table, _documents(world), expected)
        writer.timed("search_fts (FTS5 rebuild)", lambda: _rebuild_sqlite(str(trigger)))
    else:
        index = db.session.scalar(text("SELECT pg_get_indexdef('search_fts_gin'::regclass)"))
        db.session.execute(text("DROP INDEX search_fts_gin"))
        writer.insert(table, _documents(world), expected)
        writer.timed("search_fts_gin (GIN index)", lambda: _rebuild_postgresql(str(index)))
    for name, reindex_all in sorted(kinds.reindexers().items()):
        if name not in OWN_KINDS:
            writer.timed(f"search_document ({name})", reindex_all)
            db.session.flush()
            db.session.expunge_all()


def _rebuild_sqlite(trigger: str) -> int:
    """FTS5 indexes every document in one pass; the trigger is put back."""
    db.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    db.session.execute(text(trigger))
    return int(db.session.scalar(text("SELECT count(*) FROM search_document")) or 0)


def _rebuild_postgresql(index: str) -> int:
    """The GIN index built once over the generated tsvector column."""
    db.session.execute(text(index))
    return int(db.session.scalar(text("SELECT count(*) FROM search_document")) or 0)


@lru_cache(maxsize=4096)
def _folded(name: str) -> str:
    """The index words of a name used many times (cities, tags, themes, workspace titles)."""
    return index_words(name)


def _words(title: str, body: str, pieces: list[str]) -> str:
    """index_words(title + "\\n" + body), from words folded piece by piece when nothing was cut."""
    if len(body) > TEXT_LIMIT:
        return index_words(title + "\n" + body[:TEXT_LIMIT])
    return " ".join(words for words in [index_words(title), *pieces] if words)


def _documents(world: World) -> Iterator[dict[str, Any]]:
    cities = world.city_by_id
    number = 0

    def document(**values: Any) -> dict[str, Any]:
        nonlocal number
        number += 1
        return {
            "id": number,
            "scope_id": None,
            "language": "en",
            "city_id": None,
            "country_code": None,
            "theme_id": None,
            "status": None,
            **values,
        }

    for practice in world.practices:
        city = cities[practice["city_id"]]
        tags = sorted(practice["tags"])
        body = "\n\n".join([*practice["text"], *tags, *practice["themes"], city["name"]])
        extra = [_folded(name) for name in [*tags, *practice["themes"], city["name"]]]
        public = practice["status"] != "draft"
        yield document(
            kind="practice",
            object_id=practice["id"],
            visibility="public" if public else "city",
            scope_id=None if public else practice["city_id"],
            title=practice["title"][:300],
            text=body[:TEXT_LIMIT],
            normalised=_words(practice["title"], body, [*practice["words"], *extra]),
            language=practice["language"],
            url=f"/practices/{practice['id']}-{practice['slug']}",
            city_id=practice["city_id"],
            country_code=city["country_code"],
            theme_id=practice["theme_id"],
            status=practice["status"],
            updated_at=practice["updated_at"],
        )
    for topic in world.topics:
        place = cities[topic["city_id"]] if topic["city_id"] else None
        body = topic["body"] + ("\n\n" + place["name"] if place else "")
        pieces = [topic["words"], _folded(place["name"]) if place else ""]
        yield document(
            kind="topic",
            object_id=topic["id"],
            visibility="public",
            title=topic["title"][:300],
            text=body[:TEXT_LIMIT],
            normalised=_words(topic["title"], body, pieces),
            language=topic["language"],
            url=f"/discussions/{topic['id']}-{topic_slug(topic['title'])}",
            city_id=topic["city_id"],
            country_code=place["country_code"] if place else None,
            theme_id=topic["theme_id"],
            updated_at=topic["created_at"],
        )
    threads = world.threads
    title_words = [index_words(thread["title"]) for thread in threads]
    for comment_id, thread_id, piece, created_at in world.comment_docs:
        thread = threads[thread_id - 1]
        words = title_words[thread_id - 1]
        yield document(
            kind="comment",
            object_id=comment_id,
            visibility="public" if thread["public"] else "city",
            scope_id=None if thread["public"] else thread["city_id"],
            title=thread["title"][:300],
            text=piece.source,
            normalised=f"{words} {piece.words}" if words and piece.words else words or piece.words,
            url=f"/comments/{comment_id}",
            updated_at=created_at,
        )
    for workspace in world.workspaces:
        public = workspace["visibility"] == "public"
        yield document(
            kind="workspace",
            object_id=workspace["id"],
            visibility="public" if public else "members",
            scope_id=None if public else workspace["id"],
            title=workspace["title"][:300],
            text=workspace["purpose"][:TEXT_LIMIT],
            normalised=_words(workspace["title"], workspace["purpose"], [workspace["words"]]),
            url=f"/workspaces/{workspace['id']}",
            status=workspace["status"],
            updated_at=workspace["updated_at"],
        )
    workspaces = {workspace["id"]: workspace for workspace in world.workspaces}
    for task, piece in world.task_docs:
        workspace = workspaces[task["workspace_id"]]
        public = workspace["visibility"] == "public"
        city = cities[task["city_id"]]
        body = "\n\n".join([task["description"], workspace["title"], city["name"]])
        pieces = [piece.words, _folded(workspace["title"]), _folded(city["name"])]
        yield document(
            kind="task",
            object_id=task["id"],
            visibility="public" if public else "members",
            scope_id=None if public else workspace["id"],
            title=task["title"][:300],
            text=body[:TEXT_LIMIT],
            normalised=_words(task["title"], body, pieces),
            url=f"/workspaces/{workspace['id']}/tasks/{task['id']}",
            city_id=task["city_id"],
            country_code=city["country_code"],
            status=task["status"],
            updated_at=task["updated_at"],
        )
