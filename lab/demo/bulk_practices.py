"""Bulk practices (facets, themes, tags, authors, revisions with snapshots) and adoptions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slugify import slugify

from lab.adoptions.models import HOWS
from lab.demo.bulk_text import COMMON_WORD, LANGUAGES, RARE_WORD, WORDS, Piece, join
from lab.practices.facets import FACETS, SECTIONS
from lab.practices.services import SNAPSHOT_FIELDS
from lab.search.text import index_words

if TYPE_CHECKING:
    from lab.demo.bulk import World

TAG_COUNT = 120
PROGRESSION = ("exploring", "adapting", "piloting", "adopted")


def load(world: World) -> None:
    """Tags, practices with everything they link to, adoptions with their updates."""
    tags = _tags(world)
    _practices(world, tags)
    _adoptions(world)


def _tags(world: World) -> list[str]:
    """A pool of lower-case tags; the common word is the first (and most used)."""
    rng = world.rng("tags")
    names: list[str] = [COMMON_WORD]
    while len(names) < TAG_COUNT:
        language = rng.choice(LANGUAGES)
        nouns, adjectives, _verbs, _small = WORDS[language]
        name = (
            rng.choice(nouns).lower()
            if rng.random() < 0.5
            else f"{rng.choice(adjectives)} {rng.choice(nouns)}".lower()
        )
        if name not in names and len(name) <= 40:
            names.append(name)
    rows = [{"id": n, "name": name} for n, name in enumerate(names, start=1)]
    world.writer.insert(world.table("tag"), rows, len(rows))
    return names


def _status(rng: random.Random, practice_id: int) -> str:
    from lab.demo.bulk import LANDMARK_RARE_PRACTICE, LANDMARK_THREAD_PRACTICE

    if practice_id in (LANDMARK_THREAD_PRACTICE, LANDMARK_RARE_PRACTICE):
        return "published"
    roll = rng.random()
    return "published" if roll < 0.85 else "draft" if roll < 0.93 else "archived"


def _practices(world: World, tag_names: list[str]) -> None:
    from lab.demo.bulk import ANCHOR, LANDMARK_RARE_PRACTICE

    rng = world.rng("practices")
    pool = world.pool
    plan = world.plan
    # Some cities write far more than others.
    city_weights = [rng.paretovariate(1.5) for _ in world.cities]
    practice_rows: list[dict[str, Any]] = []
    authors: list[dict[str, Any]] = []
    themes: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    tag_weights = [8.0] + [1.0] * (len(tag_names) - 1)
    for practice_id in range(1, plan.practices + 1):
        city = rng.choices(world.cities, city_weights)[0]
        language = city["language"] if rng.random() < 0.7 else "en"
        status = _status(rng, practice_id)
        title = pool.title(language)
        summary = pool.sentence(language, 8, 14)[:300]
        sections: dict[str, Piece] = {}
        for name in SECTIONS:
            if name == "lessons" and rng.random() < 0.15:
                sections[name] = Piece("", "", "")
                continue
            sections[name] = pool.text(language, 1, 2)
        if practice_id == LANDMARK_RARE_PRACTICE:
            planted = pool.sentence(language).rstrip(".") + f" {RARE_WORD}."
            sections["solution"] = join([sections["solution"], pool.piece(planted)])
        facets: dict[str, str | None] = {
            column: rng.choice(list(vocabulary)) for column, (vocabulary, _l) in FACETS.items()
        }
        if rng.random() < 0.1:
            facets["protection_status"] = None
        theme_ids = sorted(rng.sample([t["id"] for t in world.themes], rng.randint(1, 3)))
        tag_ids = sorted({rng.choices(range(1, len(tag_names) + 1), tag_weights)[0]
                          for _ in range(rng.randint(0, 4))})  # fmt: skip
        delegates = world.delegates_by_city.get(city["id"], [])
        author_ids = rng.sample(delegates, min(len(delegates), rng.randint(1, 2))) or [1]
        created = ANCHOR - timedelta(days=rng.uniform(20, 1400))
        start = (created - timedelta(days=rng.randint(100, 3000))).date()
        ongoing = rng.random() < 0.4
        row: dict[str, Any] = {
            "id": practice_id,
            "slug": slugify(title, max_length=70) or "practice",
            "title": title,
            "summary": summary,
            "city_id": city["id"],
            "status": status,
            "language": language,
            "period_start": start,
            "period_end": None if ongoing else start + timedelta(days=rng.randint(30, 1500)),
            "is_ongoing": ongoing,
            **{name: piece.source for name, piece in sections.items()},
            **{f"{name}_html": piece.html for name, piece in sections.items()},
            **facets,
            "cover_file_id": None,
            "cover_alt": "",
            "is_illustrative": False,
            "validated_at": None,
            "validated_by_id": None,
            "published_at": None,
            "created_by_id": author_ids[0],
            "updated_by_id": author_ids[-1],
            "created_at": created,
            "deleted_at": None,
            "hidden_at": None,
            "hidden_reason": None,
        }
        state = _snapshot(row, theme_ids, [tag_names[i - 1] for i in tag_ids], author_ids)
        times = _revise(world, rng, row, state, revisions, sections, language)
        row["updated_at"] = times[-1]
        row["version"] = len(times)
        if status != "draft":
            row["published_at"] = times[-1] if status == "published" else times[-2]
            if world.coordinator_ids and rng.random() < 0.3:
                row["validated_at"] = row["published_at"] + timedelta(days=rng.randint(1, 30))
                row["validated_by_id"] = rng.choice(world.coordinator_ids)
        practice_rows.append(row)
        authors += [{"practice_id": practice_id, "user_id": user_id, "position": n}
                    for n, user_id in enumerate(author_ids)]  # fmt: skip
        themes += [{"practice_id": practice_id, "theme_id": t} for t in theme_ids]
        tags += [{"practice_id": practice_id, "tag_id": t} for t in tag_ids]
        world.practices.append(
            {
                "id": practice_id,
                "slug": row["slug"],
                "title": title,
                "city_id": city["id"],
                "status": status,
                "language": language,
                "updated_at": row["updated_at"],
                "theme_id": theme_ids[0],
                # What the search index reads: summary, sections, tags, themes, city (in order).
                "words": [
                    index_words(summary),
                    *(sections[name].words for name in SECTIONS),
                ],
                "text": [summary, *(sections[name].source for name in SECTIONS)],
                "tags": [tag_names[i - 1] for i in tag_ids],
                "themes": [world.themes[t - 1]["name"] for t in theme_ids],
            }
        )
    writer = world.writer
    writer.insert(world.table("practice"), practice_rows, len(practice_rows))
    writer.insert(world.table("practice_author"), authors, len(authors))
    writer.insert(world.table("practice_theme"), themes, len(themes))
    writer.insert(world.table("practice_tag"), tags, len(tags))
    writer.insert(world.table("practice_revision"), revisions, len(revisions))


def _snapshot(
    row: dict[str, Any], theme_ids: list[int], tags: list[str], author_ids: list[int]
) -> dict[str, Any]:
    """What lab.practices.services.snapshot stores for this practice."""
    state: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        if name == "theme_ids":
            state[name] = theme_ids
        elif name == "tags":
            state[name] = sorted(tags)
        elif name == "author_ids":
            state[name] = author_ids
        else:
            value = row[name]
            state[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return state


def _revise(
    world: World,
    rng: random.Random,
    row: dict[str, Any],
    final: dict[str, Any],
    revisions: list[dict[str, Any]],
    sections: dict[str, Piece],
    language: str,
) -> list[datetime]:
    """1-5 revisions ending in the practice's current state: created (draft), edits, then the
    move to its status. Earlier states have other text in the sections an edit changed."""
    from lab.demo.bulk import ANCHOR

    count = rng.choices((1, 2, 3, 4, 5), (25, 30, 20, 15, 10))[0]
    status = row["status"]
    moves = ["published"] if status == "published" else ["published", "archived"]
    moves = [] if status == "draft" else moves
    if len(moves) + 1 > count:
        count = len(moves) + 1
    # States from the last back to the first, and the note of each revision.
    states = [final]
    notes: list[str] = []
    for move in reversed(moves):
        earlier = dict(states[0], status="published" if move == "archived" else "draft")
        states.insert(0, earlier)
        notes.insert(0, move)
    while len(states) < count:
        earlier = dict(states[0])
        for name in rng.sample(list(SECTIONS), rng.randint(1, 2)):
            earlier[name] = world.pool.text(language, 1, 2).source
        states.insert(0, earlier)
        notes.insert(0, "")
    notes.insert(0, "created")
    span = (ANCHOR - row["created_at"]) / (count + 1)
    times = [row["created_at"] + span * n for n in range(count)]
    base_id = len(revisions) + 1
    previous: dict[str, Any] | None = None
    for number, (state, note, at) in enumerate(zip(states, notes, times, strict=True), start=1):
        changed = sorted(k for k in state if previous is None or previous.get(k) != state[k])
        revisions.append(
            {
                "id": base_id + number - 1,
                "practice_id": row["id"],
                "number": number,
                "created_at": at,
                "author_id": row["created_by_id"] if number == 1 else row["updated_by_id"],
                "changed_fields": changed,
                "note": note,
                "snapshot": state,
            }
        )
        previous = state
    return times


def _adoptions(world: World) -> None:
    """Cities adopting other cities' published practices, popular ones more often."""
    from lab.demo.bulk import ANCHOR

    rng = world.rng("adoptions")
    pool = world.pool
    published = [p for p in world.practices if p["status"] == "published"]
    weights = [rng.paretovariate(1.2) for _ in published]
    taken: set[tuple[int, int]] = set()
    adoptions: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    cities = world.cities
    attempts = 0
    while len(adoptions) < world.plan.adoptions and attempts < world.plan.adoptions * 20:
        attempts += 1
        practice = rng.choices(published, weights)[0]
        city = rng.choice(cities)
        if city["id"] == practice["city_id"] or (practice["id"], city["id"]) in taken:
            continue
        taken.add((practice["id"], city["id"]))
        adoption_id = len(adoptions) + 1
        steps = rng.randint(1, 4)
        stages = list(PROGRESSION[:steps])
        if steps > 1 and rng.random() < 0.1:
            stages[-1] = "abandoned"
        recorder = rng.choice(world.delegates_by_city.get(city["id"], [1]))
        started = min(ANCHOR, practice["updated_at"] + timedelta(days=rng.randint(5, 200))).date()
        changes = pool.text(city["language"], 1, 1)
        created = min(ANCHOR, datetime.combine(started, datetime.min.time(), ANCHOR.tzinfo))
        day = started
        for stage in stages:
            outcome = pool.line(city["language"])
            updates.append(
                {
                    "id": len(updates) + 1,
                    "adoption_id": adoption_id,
                    "happened_on": day,
                    "stage": stage,
                    "outcome": outcome.source,
                    "outcome_html": outcome.html,
                    "author_id": recorder,
                    "created_at": created,
                }
            )
            day += timedelta(days=rng.randint(20, 200))
        adoptions.append(
            {
                "id": adoption_id,
                "practice_id": practice["id"],
                "city_id": city["id"],
                "how": rng.choice(HOWS),
                "stage": stages[-1],
                "changes": changes.source,
                "changes_html": changes.html,
                "started_on": started,
                "recorded_by_id": recorder,
                "version": len(stages),
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
        )
    world.writer.insert(world.table("adoption"), adoptions, len(adoptions))
    world.writer.insert(world.table("adoption_update"), updates, len(updates))
