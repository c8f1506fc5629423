"""Bulk topics, threads and comments (most threads short, a few of 500+), flags and the
moderation log of what was hidden or dismissed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lab.demo.bulk_text import LANGUAGES, Piece
from lab.discussion.models import MAX_DEPTH
from lab.moderation.models import REASONS

if TYPE_CHECKING:
    from lab.demo.bulk import World

REPLY_SHARE = 0.5  # of comments after the first in a thread
DELETED_SHARE = 0.006
HIDDEN_SHARE = 0.004
HUGE_THREADS = 6  # at scale 1: threads of 500-1200 comments
HIDE_REASONS = (
    "Spam: links to an unrelated shop.",
    "Personal data of someone who did not agree to it.",
    "Offensive to another participant.",
)


def load(world: World) -> None:
    """Topics, every thread with its comments, flags and the moderation log."""
    rng = world.rng("discussion")
    topics, topic_words = _topics(world, rng)
    owners = _threads(world, rng, topics)
    sizes = _sizes(world, rng, owners)
    comments, pieces, hidden = _comments(world, rng, owners, sizes)
    world.threads = owners
    thread_rows = _thread_rows(owners, comments)
    writer = world.writer
    writer.insert(world.table("thread"), thread_rows, len(thread_rows))
    writer.insert(world.table("topic"), topics, len(topics))
    writer.insert(world.table("comment"), comments, len(comments))
    flags, log = _flags(world, rng, comments, hidden, topics)
    writer.insert(world.table("flag"), flags, len(flags))
    writer.insert(world.table("moderation_log"), log, len(log))
    # What the search index needs: topics, threads, and the visible comments.
    world.topics = [
        topic | {"words": words} for topic, words in zip(topics, topic_words, strict=True)
    ]
    world.comment_docs = [
        (c["id"], c["thread_id"], piece, c["created_at"])
        for c, piece in zip(comments, pieces, strict=True)
        if c["deleted_at"] is None and c["hidden_at"] is None
    ]


def _topics(world: World, rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    from lab.demo.bulk import ANCHOR

    pool = world.pool
    rows = []
    words = []
    for topic_id in range(1, world.plan.topics + 1):
        city = rng.choice(world.cities) if rng.random() < 0.6 else None
        language = city["language"] if city and rng.random() < 0.7 else rng.choice(LANGUAGES)
        body = pool.text(language, 1, 3)
        created = ANCHOR - timedelta(days=rng.uniform(1, 900))
        rows.append(
            {
                "id": topic_id,
                "title": pool.sentence(language, 4, 8).rstrip(".")[:200],
                "body": body.source,
                "body_html": body.html,
                "language": language,
                "theme_id": rng.choice(world.themes)["id"] if rng.random() < 0.7 else None,
                "city_id": city["id"] if city else None,
                "author_id": rng.choice(world.writer_ids),
                "thread_id": None,  # set with the threads
                "edited_at": None,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
        )
        words.append(body.words)
    return rows, words


def _threads(
    world: World, rng: random.Random, topics: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The threads: practice 1 and 2, about 45% of the other practices, every topic."""
    from lab.demo.bulk import LANDMARK_RARE_PRACTICE, LANDMARK_THREAD_PRACTICE

    owners: list[dict[str, Any]] = []
    for practice in world.practices:
        landmark = practice["id"] in (LANDMARK_THREAD_PRACTICE, LANDMARK_RARE_PRACTICE)
        if landmark or rng.random() < 0.45:
            owners.append(
                {
                    "kind": "practice",
                    "owner_id": practice["id"],
                    "title": practice["title"],
                    "language": practice["language"],
                    "since": practice["updated_at"],
                    "public": practice["status"] != "draft",
                    "city_id": practice["city_id"],
                    # A draft is read (and discussed) only by its city's delegates and staff.
                    "writers": None
                    if practice["status"] != "draft"
                    else world.delegates_by_city.get(practice["city_id"], [])
                    + world.coordinator_ids,
                }
            )
    for topic in topics:
        owners.append(
            {
                "kind": "topic",
                "owner_id": topic["id"],
                "title": topic["title"],
                "language": topic["language"],
                "since": topic["created_at"],
                "public": True,
                "city_id": None,
                "writers": None,
            }
        )
    for thread_id, owner in enumerate(owners, start=1):
        owner["id"] = thread_id
        if owner["kind"] == "topic":
            topics[owner["owner_id"] - 1]["thread_id"] = thread_id
    return owners


def _sizes(world: World, rng: random.Random, owners: list[dict[str, Any]]) -> list[int]:
    """Comments per thread: exactly the plan's total; practice 1 has 200, practice 2 twelve, a
    few threads 500+, the rest heavy-tailed (most short). A practice thread has at least one."""
    from lab.demo.bulk import LANDMARK_THREAD_COMMENTS

    total = world.plan.comments
    sizes = [0] * len(owners)
    sizes[0], sizes[1] = LANDMARK_THREAD_COMMENTS, 12
    rest = total - sizes[0] - sizes[1]
    others = list(range(2, len(owners)))
    huge_budget = int(rest * 0.4)
    for _ in range(max(1, round(HUGE_THREADS * world.plan.scale))):
        size = rng.randint(500, 1200)
        if size > huge_budget or not others:
            break
        index = others.pop(rng.randrange(len(others)))
        sizes[index] = size
        huge_budget -= size
        rest -= size
    for index in others:
        if owners[index]["kind"] == "practice":
            sizes[index] = 1
            rest -= 1
    if rest < 0:
        raise ValueError("Too few comments for the threads at this scale.")
    weights = [rng.lognormvariate(0, 1.3) for _ in others]
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    for index, share in zip(others, shares, strict=True):
        sizes[index] += int(share)
    for _ in range(total - sum(sizes)):
        sizes[rng.choice(others)] += 1
    return sizes


def _comments(
    world: World, rng: random.Random, owners: list[dict[str, Any]], sizes: list[int]
) -> tuple[list[dict[str, Any]], list[Piece], list[dict[str, Any]]]:
    """Every comment, thread by thread, in time order; their text pieces; the hidden ones."""
    from lab.demo.bulk import ANCHOR

    pool = world.pool
    writers = world.writer_ids
    comments: list[dict[str, Any]] = []
    pieces: list[Piece] = []
    hidden: list[dict[str, Any]] = []
    for owner, size in zip(owners, sizes, strict=True):
        if size == 0:
            continue
        start = owner["since"]
        span = (ANCHOR - start) / size
        in_thread: list[dict[str, Any]] = []
        landmark = owner["id"] <= 2
        authors = owner["writers"] or writers
        for k in range(size):
            comment_id = len(comments) + 1
            at: datetime = start + span * (k + rng.random())
            parent: dict[str, Any] | None = None
            if owner["id"] == 1:
                parent = in_thread[-1] if k % 4 else None  # 50 top-level, each 3 replies deep
            elif k and rng.random() < REPLY_SHARE:
                parent = in_thread[rng.randint(max(0, k - 15), k - 1)]
            piece: Piece = pool.comment(owner["language"])
            row: dict[str, Any] = {
                "id": comment_id,
                "thread_id": owner["id"],
                "parent_id": parent["id"] if parent else None,
                "root_id": parent["root_id"] if parent else comment_id,
                "depth": min(parent["depth"] + 1, MAX_DEPTH) if parent else 0,
                "author_id": rng.choice(authors),
                "body": piece.source,
                "body_html": piece.html,
                "created_at": at,
                "edited_at": None,
                "submission_key": f"bulk-{comment_id:016d}",
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
            roll = rng.random()
            if not landmark and roll < DELETED_SHARE:
                row["deleted_at"] = min(ANCHOR, at + timedelta(hours=rng.randint(1, 72)))
            elif not landmark and owner["public"] and roll < DELETED_SHARE + HIDDEN_SHARE:
                row["hidden_at"] = min(ANCHOR, at + timedelta(hours=rng.randint(1, 72)))
                row["hidden_reason"] = rng.choice(HIDE_REASONS)
                hidden.append(row)
            in_thread.append(row)
            comments.append(row)
            pieces.append(piece)
    return comments, pieces, hidden


def _thread_rows(
    owners: list[dict[str, Any]], comments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Threads with their counters: live, visible comments and the time of the last one."""
    live = [0] * (len(owners) + 1)
    first: list[datetime | None] = [None] * (len(owners) + 1)
    last: list[datetime | None] = [None] * (len(owners) + 1)
    for comment in comments:
        thread_id = comment["thread_id"]
        if comment["deleted_at"] is None and comment["hidden_at"] is None:
            live[thread_id] += 1
        if first[thread_id] is None:
            first[thread_id] = comment["created_at"]
        last[thread_id] = comment["created_at"]
    rows = []
    for owner in owners:
        created = owner["since"] if owner["kind"] == "topic" else first[owner["id"]]
        rows.append(
            {
                "id": owner["id"],
                "owner_kind": owner["kind"],
                "owner_id": owner["owner_id"],
                "locked_at": None,
                "locked_by_id": None,
                "slow_mode_seconds": 0,
                "comment_count": live[owner["id"]],
                "last_comment_at": last[owner["id"]] or owner["since"],
                "created_at": created,
            }
        )
    return rows


def _flags(
    world: World,
    rng: random.Random,
    comments: list[dict[str, Any]],
    hidden: list[dict[str, Any]],
    topics: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Flags: every hidden comment was reported (resolved "hidden"); the rest open (one reporter
    each, below the auto-hide threshold) or dismissed, on comments, topics and practices."""
    total = world.plan.flags
    moderators = world.coordinator_ids or [1]
    flags: list[dict[str, Any]] = []
    log: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()
    open_reports: dict[tuple[str, int], int] = {}

    def add(kind: str, target_id: int, at: datetime, resolution: str | None) -> bool:
        reporter = rng.choice(world.writer_ids)
        if len(flags) >= total or (kind, target_id, reporter) in seen:
            return False
        seen.add((kind, target_id, reporter))
        resolved = at + timedelta(hours=rng.randint(1, 48)) if resolution else None
        flags.append(
            {
                "id": len(flags) + 1,
                "target_kind": kind,
                "target_id": target_id,
                "reporter_id": reporter,
                "reason": rng.choice(REASONS[:4]),
                "text": "",
                "created_at": at,
                "resolved_at": resolved,
                "resolved_by_id": rng.choice(moderators) if resolution else None,
                "resolution": resolution,
            }
        )
        return True

    def note(action: str, kind: str, target_id: int, at: datetime, reason: str, n: int) -> None:
        log.append(
            {
                "id": len(log) + 1,
                "at": at,
                "actor_id": rng.choice(moderators),
                "action": action,
                "target_kind": kind,
                "target_id": target_id,
                "reason": reason,
                "details": {"flags_resolved": n},
            }
        )

    for comment in hidden:
        reported = comment["hidden_at"] - timedelta(hours=1)
        made = sum(add("comment", comment["id"], reported, "hidden") for _ in range(2))
        if made:
            note(
                "hide",
                "comment",
                comment["id"],
                comment["hidden_at"],
                comment["hidden_reason"],
                made,
            )
    # Reporters see what they report: comments of public threads, published practices.
    public_threads = {owner["id"] for owner in world.threads if owner["public"]}
    live_comments = [
        c
        for c in comments
        if c["deleted_at"] is None and c["hidden_at"] is None and c["thread_id"] in public_threads
    ]
    published = [p for p in world.practices if p["status"] == "published"]
    attempts = 0
    while len(flags) < total and attempts < total * 10:
        attempts += 1
        roll = rng.random()
        if roll < 0.7:
            kind, target = "comment", rng.choice(live_comments)
        elif roll < 0.9:
            kind, target = "topic", rng.choice(topics)
        else:
            kind, target = "practice", rng.choice(published)
            target = {"id": target["id"], "created_at": target["updated_at"]}
        at = target["created_at"] + timedelta(hours=rng.randint(1, 240))
        dismissed = rng.random() < 0.5
        if not dismissed:
            # Open reports stay below the auto-hide threshold (lab.moderation: 3 reporters).
            if open_reports.get((kind, target["id"]), 0) >= 2:
                continue
            open_reports[(kind, target["id"])] = open_reports.get((kind, target["id"]), 0) + 1
        if add(kind, target["id"], at, "dismissed" if dismissed else None) and dismissed:
            note("dismiss", kind, target["id"], at + timedelta(hours=2), "", 1)
    return flags, log
