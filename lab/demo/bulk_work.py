"""Bulk workspaces (cities, members, linked practices, milestones, tasks, activity) and events
(agenda, delegations with their members, linked workspaces and practices)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from slugify import slugify

from lab.workspaces.vocabulary import TASK_STATUSES

if TYPE_CHECKING:
    from lab.demo.bulk import World


def load(world: World) -> None:
    """Workspaces with everything inside them, then events."""
    rng = world.rng("workspaces")
    _workspaces(world, rng)
    _events(world, world.rng("events"))


def _members_of(world: World, rng: random.Random, city_ids: list[int]) -> list[int]:
    """A lead (a delegate of the first city) and members: delegates and young stakeholders."""
    lead = rng.choice(world.delegates_by_city.get(city_ids[0], [1]))
    members = [lead]
    for city_id in city_ids[1:]:
        delegate = rng.choice(world.delegates_by_city.get(city_id, [lead]))
        if delegate not in members:
            members.append(delegate)
    for _ in range(rng.randint(1, 8)):
        user = rng.choice(world.users)
        if user["id"] not in members:
            members.append(user["id"])
    return members


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` unevenly, summing exactly."""
    if parts == 0:
        return []
    weights = [rng.lognormvariate(0, 0.8) for _ in range(parts)]
    whole = sum(weights)
    sizes = [int(total * w / whole) for w in weights]
    for _ in range(total - sum(sizes)):
        sizes[rng.randrange(parts)] += 1
    return sizes


def _workspaces(world: World, rng: random.Random) -> None:
    from lab.demo.bulk import ANCHOR, LANDMARK_BOARD_TASKS, LANDMARK_WORKSPACE

    plan, pool = world.plan, world.pool
    city_ids = [c["id"] for c in world.cities]
    published = [p["id"] for p in world.practices if p["status"] == "published"]
    workspaces: list[dict[str, Any]] = []
    ws_cities: list[dict[str, Any]] = []
    ws_members: list[dict[str, Any]] = []
    ws_practices: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    activity: list[dict[str, Any]] = []
    task_counts = [
        LANDMARK_BOARD_TASKS,
        *_split(rng, plan.tasks - LANDMARK_BOARD_TASKS, plan.workspaces - 1),
    ]
    milestone_counts = _split(rng, plan.milestones, plan.workspaces)
    names = {u["id"]: u["name"] for u in world.users}
    purpose_words: list[str] = []

    def feed(workspace_id: int, actor: int, verb: str, at: datetime, **data: Any) -> None:
        subject_kind, subject_id = data.pop("subject", (None, None))
        activity.append(
            {
                "id": len(activity) + 1,
                "workspace_id": workspace_id,
                "actor_id": actor,
                "verb": verb,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "data": data,
                "created_at": at,
            }
        )

    for workspace_id in range(1, plan.workspaces + 1):
        landmark = workspace_id == LANDMARK_WORKSPACE
        chosen = rng.sample(city_ids, min(len(city_ids), rng.randint(2, 5)))
        language = world.city_by_id[chosen[0]]["language"]
        title = pool.title(language)
        purpose = pool.text(language, 1, 2)
        created = ANCHOR - timedelta(days=rng.uniform(10, 800))
        status = (
            "active"
            if landmark
            else rng.choices(("proposed", "active", "completed", "archived"), (15, 50, 20, 15))[0]
        )
        members = _members_of(world, rng, chosen)
        starts = created.date() + timedelta(days=rng.randint(0, 60))
        workspaces.append(
            {
                "id": workspace_id,
                "slug": f"{slugify(title, max_length=60) or 'workspace'}-{workspace_id}",
                "title": title,
                "purpose": purpose.source,
                "purpose_html": purpose.html,
                "status": status,
                "status_before_archive": "completed" if status == "archived" else None,
                "visibility": "public" if landmark or rng.random() < 0.75 else "members",
                "starts_on": starts,
                "ends_on": starts + timedelta(days=rng.randint(90, 900)),
                "created_by_id": members[0],
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
        )
        purpose_words.append(purpose.words)
        feed(workspace_id, members[0], "workspace_created", created, title=title)
        for n, city_id in enumerate(chosen):
            ws_cities.append(
                {
                    "workspace_id": workspace_id,
                    "city_id": city_id,
                    "added_at": created + timedelta(minutes=n),
                    "added_by_id": members[0],
                }
            )
        for n, user_id in enumerate(members):
            joined = created + timedelta(hours=n)
            ws_members.append(
                {
                    "id": len(ws_members) + 1,
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                    "role": "lead" if n == 0 else "member",
                    "joined_at": joined,
                    "added_by_id": members[0],
                }
            )
            if n:
                feed(workspace_id, members[0], "member_joined", joined,
                     name=names[user_id], subject=("user", user_id))  # fmt: skip
        for practice_id in sorted(
            set(rng.sample(published, min(len(published), rng.randint(0, 3))))
        ):
            ws_practices.append(
                {
                    "workspace_id": workspace_id,
                    "practice_id": practice_id,
                    "linked_at": created + timedelta(days=1),
                    "linked_by_id": members[0],
                }
            )
        own_milestones: list[dict[str, Any]] = []
        for n in range(milestone_counts[workspace_id - 1]):
            milestone: dict[str, Any] = {
                "id": len(milestones) + 1,
                "workspace_id": workspace_id,
                "title": pool.title(language),
                "description": pool.line(language).source,
                "due_on": starts + timedelta(days=60 * (n + 1)),
                "reached_at": None,
                "created_by_id": members[0],
                "version": 1,
                "created_at": created + timedelta(days=1),
                "updated_at": created + timedelta(days=1),
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
            own_milestones.append(milestone)
            milestones.append(milestone)
        positions = dict.fromkeys(TASK_STATUSES, 0)
        milestone_done: dict[int, list[bool]] = {}
        for _ in range(task_counts[workspace_id - 1]):
            status = rng.choices(TASK_STATUSES, (40, 25, 35))[0]
            task_created = created + timedelta(days=rng.uniform(1, 60))
            in_milestone: dict[str, Any] | None = (
                rng.choice(own_milestones) if own_milestones and rng.random() < 0.6 else None
            )
            description = pool.line(language)
            task = {
                "id": len(tasks) + 1,
                "workspace_id": workspace_id,
                "title": pool.sentence(language, 3, 6).rstrip(".")[:200],
                "description": description.source,
                "description_html": description.html,
                "assignee_id": rng.choice(members) if rng.random() < 0.7 else None,
                "city_id": rng.choice(chosen),
                "due_on": task_created.date() + timedelta(days=rng.randint(7, 120))
                if rng.random() < 0.6
                else None,
                "status": status,
                "position": positions[status],
                "milestone_id": in_milestone["id"] if in_milestone else None,
                "completed_at": min(ANCHOR, task_created + timedelta(days=rng.randint(1, 90)))
                if status == "done"
                else None,
                "created_by_id": rng.choice(members),
                "version": 1,
                "created_at": task_created,
                "updated_at": task_created,
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
            positions[status] += 1
            tasks.append(task)
            world.task_docs.append((task, description))
            if in_milestone is not None:
                milestone_done.setdefault(in_milestone["id"], []).append(status == "done")
            feed(workspace_id, task["created_by_id"], "task_created", task_created,
                 title=task["title"], subject=("task", task["id"]))  # fmt: skip
        for milestone in own_milestones:
            done = milestone_done.get(milestone["id"], [])
            if done and all(done):  # reached when the last of its tasks is done
                milestone["reached_at"] = min(
                    ANCHOR, datetime.combine(milestone["due_on"], time(12), ANCHOR.tzinfo)
                )
    world.workspaces = [
        {key: w[key] for key in ("id", "title", "visibility", "status", "purpose", "updated_at")}
        | {"words": words}
        for w, words in zip(workspaces, purpose_words, strict=True)
    ]
    writer = world.writer
    writer.insert(world.table("workspace"), workspaces, len(workspaces))
    writer.insert(world.table("workspace_city"), ws_cities, len(ws_cities))
    writer.insert(world.table("workspace_member"), ws_members, len(ws_members))
    writer.insert(world.table("workspace_practice"), ws_practices, len(ws_practices))
    writer.insert(world.table("workspace_milestone"), milestones, len(milestones))
    writer.insert(world.table("workspace_task"), tasks, len(tasks))
    activity.sort(key=lambda line: (line["workspace_id"], line["created_at"], line["id"]))
    for number, line in enumerate(activity, start=1):  # ids in time order within a workspace
        line["id"] = number
    writer.insert(world.table("workspace_activity"), activity, len(activity))


def _events(world: World, rng: random.Random) -> None:
    from lab.demo.bulk import ANCHOR

    pool = world.pool
    events: list[dict[str, Any]] = []
    agenda: list[dict[str, Any]] = []
    delegations: list[dict[str, Any]] = []
    travellers: list[dict[str, Any]] = []
    event_workspaces: list[dict[str, Any]] = []
    event_practices: list[dict[str, Any]] = []
    published = [p["id"] for p in world.practices if p["status"] == "published"]
    for event_id in range(1, world.plan.events + 1):
        host = rng.choice(world.cities)
        language = host["language"]
        starts: date = (ANCHOR + timedelta(days=rng.randint(-400, 400))).date()
        days = rng.randint(1, 3)
        title = pool.title(language)
        description = pool.text(language, 1, 2)
        created = min(ANCHOR, datetime.combine(starts, time(9), ANCHOR.tzinfo)) - timedelta(days=60)
        events.append(
            {
                "id": event_id,
                "slug": f"{slugify(title, max_length=60) or 'event'}-{event_id}",
                "title": title,
                "host_city_id": host["id"],
                "starts_on": starts,
                "ends_on": starts + timedelta(days=days - 1),
                "place": pool.title(language),
                "description": description.source,
                "description_html": description.html,
                "created_by_id": rng.choice(world.delegates_by_city.get(host["id"], [1])),
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
        )
        for day in range(days):
            for slot in range(rng.randint(3, 6)):
                agenda.append(
                    {
                        "id": len(agenda) + 1,
                        "event_id": event_id,
                        "day": starts + timedelta(days=day),
                        "starts_at": time(9 + slot * 2),
                        "ends_at": time(10 + slot * 2, 30),
                        "title": pool.sentence(language, 3, 7)[:300],
                        "speaker": pool.person(language) if rng.random() < 0.7 else "",
                        "position": slot,
                    }
                )
        others = [c for c in world.cities if c["id"] != host["id"]]
        for city in rng.sample(others, min(len(others), rng.randint(1, 5))):
            delegates = world.delegates_by_city.get(city["id"], [])
            if not delegates:
                continue
            delegation_id = len(delegations) + 1
            delegations.append(
                {
                    "id": delegation_id,
                    "event_id": event_id,
                    "city_id": city["id"],
                    "note": "",
                    "registered_by_id": delegates[0],
                    "created_at": created + timedelta(days=rng.randint(1, 50)),
                }
            )
            for position, user_id in enumerate(rng.sample(delegates, min(3, len(delegates)))):
                travellers.append(
                    {"delegation_id": delegation_id, "user_id": user_id, "position": position}
                )
        if world.workspaces and rng.random() < 0.3:
            event_workspaces.append(
                {"event_id": event_id, "workspace_id": rng.choice(world.workspaces)["id"]}
            )
        for practice_id in sorted(
            set(rng.sample(published, min(len(published), rng.randint(0, 3))))
        ):
            event_practices.append({"event_id": event_id, "practice_id": practice_id})
    writer = world.writer
    writer.insert(world.table("event"), events, len(events))
    writer.insert(world.table("event_agenda_item"), agenda, len(agenda))
    writer.insert(world.table("event_delegation"), delegations, len(delegations))
    writer.insert(world.table("event_delegation_member"), travellers, len(travellers))
    writer.insert(world.table("event_workspace"), event_workspaces, len(event_workspaces))
    writer.insert(world.table("event_practice"), event_practices, len(event_practices))
