"""``flask demo bulk --scale N``: a large, deterministic data set for measuring the Lab.

At scale 1: 60 cities with twin links, 5,000 users, 20,000 practices (facets, themes, tags, 1-5
revisions), 5,000 adoptions with updates, 2,000 topics, 300,000 comments, 2,000 flags, 1,000
workspaces with 30,000 tasks and 3,000 milestones, 500 events; counts scale linearly (at least 4
cities, and the landmarks below). The same seed gives the same rows.

Fast on purpose: rows are inserted in chunks with Core ``INSERT`` executemany and explicit ids,
every generated user shares one password hash (:data:`BULK_PASSWORD`), text comes from a seeded
pool rendered once per paragraph (lab.demo.bulk_text), and the full-text index is filled after
loading (lab.demo.bulk_search). All of it is one transaction: a failure leaves the database empty.

Benchmark landmarks (deterministic; :func:`benchmark_targets` gives their addresses):
- practice 1 (published): a thread of exactly 200 comments, 50 top-level each with 3 replies
  (depths 1-3), all on the thread's first page;
- practice 2 (published): the one document containing :data:`RARE_WORD`, a 12-comment thread;
- :data:`COMMON_WORD` appears in a large share of the practices (text and tags);
- workspace 1 (public, active): exactly 300 tasks on its board;
- city 1: the city page.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from itertools import islice
from math import ceil
from operator import itemgetter
from time import perf_counter
from typing import Any

import click
from sqlalchemy import JSON, Table, func, insert, inspect, select, text

from lab.auth.models import User
from lab.cities.models import City
from lab.core.types import UTCDateTime
from lab.demo.bulk_text import COMMON_WORD, RARE_WORD, TextPool
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import PUBLIC_STATUSES
from lab.practices.queries import PER_PAGE as PRACTICES_PER_PAGE

__all__ = ["BULK_PASSWORD", "COMMON_WORD", "RARE_WORD", "benchmark_targets", "load_bulk"]

DEFAULT_SEED = 2026
# Every generated account's password: demo data, printed by the command, never in production.
BULK_PASSWORD = "bulk-lab-passphrase-2026"  # noqa: S105
EMAIL_DOMAIN = "bulk.example.org"  # admin1@, coordinator1@, delegate1@, young1@ ...
ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # "now" for the data set: same on every run
LANDMARK_THREAD_PRACTICE = 1
LANDMARK_RARE_PRACTICE = 2
LANDMARK_WORKSPACE = 1
LANDMARK_CITY = 1
LANDMARK_THREAD_COMMENTS = 200
LANDMARK_BOARD_TASKS = 300
BENCHMARK_PAGE = 500


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a scale asks for."""

    scale: float
    cities: int
    users: int
    admins: int
    coordinators: int
    delegates: int
    practices: int
    adoptions: int
    topics: int
    comments: int
    flags: int
    workspaces: int
    tasks: int
    milestones: int
    events: int

    @classmethod
    def for_scale(cls, scale: float) -> Plan:
        """The counts at a scale (1 = the reference data set)."""

        def n(base: int, least: int = 0) -> int:
            return max(least, round(base * scale))

        cities = n(60, 4)
        admins, coordinators, delegates = n(4, 1), n(16, 1), n(300, cities)
        return cls(
            scale=scale,
            cities=cities,
            users=n(5000, admins + coordinators + delegates + 10),
            admins=admins,
            coordinators=coordinators,
            delegates=delegates,
            practices=n(20000, 20),
            adoptions=n(5000),
            topics=n(2000, 1),
            comments=n(300000, 1000),
            flags=n(2000),
            workspaces=n(1000, 1),
            tasks=n(30000, LANDMARK_BOARD_TASKS),
            milestones=n(3000),
            events=n(500),
        )


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What UTCDateTime stores on SQLite (SQLAlchemy's "YYYY-MM-DD HH:MM:SS.ffffff" in UTC),
    formatted in C: the data set's datetimes are all aware and in UTC already."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:-6]


def _defaults_for_missing(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The model's default for each column the generated rows leave out (evaluated once)."""
    values: dict[str, Any] = {}
    for column in table.c:
        default: Any = column.default
        if column.name in row or default is None:
            continue
        if getattr(default, "is_scalar", False):
            values[column.name] = default.arg
        elif getattr(default, "is_callable", False):
            values[column.name] = default.arg(None)
    return values


class Writer:
    """Inserts rows in chunks on the session's connection, and tells how long each table took.

    SQLite: ``INSERT`` executemany per chunk on the driver. PostgreSQL: one ``COPY ... FROM STDIN`` per table
    (in the same transaction), several times faster than multi-row INSERTs on a busy server.
    """

    def __init__(self, chunk: int, dialect: str, quiet: bool = False) -> None:
        self.connection = db.session.connection()
        self.chunk = chunk
        self.copy = dialect == "postgresql"
        self.quiet = quiet
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def insert(self, table: Table, rows: Iterable[dict[str, Any]], expected: int = 0) -> int:
        """Insert every row (dicts with the same keys); return how many."""
        started = perf_counter()
        count = 0
        iterator = iter(rows)
        first = next(iterator, None)
        if first is not None:
            iterator = itertools.chain([first], iterator)
            missing = _defaults_for_missing(table, first)
            if missing:  # a column added after this loader was written: its model default
                iterator = ({**missing, **row} for row in iterator)
        show = not self.quiet and sys.stdout.isatty() and expected > self.chunk
        bar: Any = click.progressbar(length=expected, label=f"  {table.name}") if show else None
        chunks = iter(lambda: list(islice(iterator, self.chunk)), [])
        try:
            write = self._copy if self.copy else self._executemany
            count = write(table, chunks, bar)
        finally:
            if bar is not None:
                bar.render_finish()
        self.note(table.name, count, perf_counter() - started)
        return count

    def _executemany(self, table: Table, chunks: Iterator[list[dict[str, Any]]], bar: Any) -> int:
        """SQLite: the driver's executemany on tuples, each value through its column type's own
        bind processor (what SQLAlchemy would store), without SQLAlchemy's per-row bookkeeping."""
        first = next(chunks, None)
        if first is None:
            return 0
        dialect = self.connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(first[0]))
        columns = list(compiled.positiontup or ())
        getter = itemgetter(*columns)
        converters = [
            (index, _sqlite_datetime if isinstance(column.type, UTCDateTime) else process)
            for index, column in enumerate(table.c[name] for name in columns)
            if (process := column.type._cached_bind_processor(dialect)) is not None
        ]

        def values(row: dict[str, Any]) -> list[Any]:
            converted = list(getter(row)) if len(columns) > 1 else [row[columns[0]]]
            for index, convert in converters:
                converted[index] = convert(converted[index])
            return converted

        driver: Any = self.connection.connection.driver_connection
        cursor = driver.cursor()
        count = 0
        try:
            for chunk in itertools.chain([first], chunks):
                cursor.executemany(str(compiled), [values(row) for row in chunk])
                count += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            cursor.close()
        return count

    def _copy(self, table: Table, chunks: Iterator[list[dict[str, Any]]], bar: Any) -> int:
        """Stream the rows into PostgreSQL's COPY (JSON columns as JSON text)."""
        first = next(chunks, None)
        if first is None:
            return 0
        columns = list(first[0])
        as_json = {c.name for c in table.c if isinstance(c.type, JSON)}
        names = ", ".join(f'"{name}"' for name in columns)
        driver: Any = self.connection.connection.driver_connection
        count = 0
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for chunk in itertools.chain([first], chunks):
                for row in chunk:
                    copy.write_row(
                        [
                            json.dumps(row[name]) if name in as_json else row[name]
                            for name in columns
                        ]
                    )
                count += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        return count

    def note(self, name: str, count: int, seconds: float) -> None:
        """Record (and print) a step's count and time."""
        self.counts[name] = self.counts.get(name, 0) + count
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        if not self.quiet:
            click.echo(f"  {name:28} {count:>9,} rows {seconds:7.1f} s")

    def timed(self, name: str, step: Callable[[], int]) -> int:
        """Run a step that is not one table's insert (index building...) and record it."""
        started = perf_counter()
        count = step()
        self.note(name, count, perf_counter() - started)
        return count


@dataclass
class World:
    """What the generators share: the plan, the seeded text, and the ids made so far."""

    plan: Plan
    seed: int
    pool: TextPool
    writer: Writer
    dialect: str
    password_hash: str
    cities: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    delegates_by_city: dict[int, list[int]] = field(default_factory=dict)
    coordinator_ids: list[int] = field(default_factory=list)
    writer_ids: list[int] = field(default_factory=list)  # everyone who may write
    themes: list[dict[str, Any]] = field(default_factory=list)
    practices: list[dict[str, Any]] = field(default_factory=list)  # id, slug, title, city...
    topics: list[dict[str, Any]] = field(default_factory=list)
    threads: list[dict[str, Any]] = field(default_factory=list)  # kind, owner_id, title, public...
    comment_docs: list[tuple[int, int, Any, datetime]] = field(default_factory=list)
    workspaces: list[dict[str, Any]] = field(default_factory=list)
    task_docs: list[tuple[dict[str, Any], Any]] = field(default_factory=list)  # (row, text piece)

    def rng(self, part: str) -> random.Random:
        """A random stream of its own for each part, so parts do not shift each other."""
        return random.Random(f"{self.seed}:{part}")

    def table(self, name: str) -> Table:
        """A table of the metadata by name."""
        return db.metadata.tables[name]

    @cached_property
    def city_by_id(self) -> dict[int, dict[str, Any]]:
        """The generated cities by id (asked for once the cities are made)."""
        return {city["id"]: city for city in self.cities}


def tables_filled() -> list[str]:
    """Every table the bulk load writes to, in insertion order."""
    return [
        "city", "twin_link", "user_account", "theme", "tag", "practice", "practice_author",
        "practice_theme", "practice_tag", "practice_revision", "adoption", "adoption_update",
        "topic", "thread", "comment", "flag", "moderation_log", "workspace", "workspace_city",
        "workspace_member", "workspace_practice", "workspace_milestone", "workspace_task",
        "workspace_activity", "event", "event_agenda_item", "event_delegation",
        "event_delegation_member", "event_workspace", "event_practice", "search_document",
    ]  # fmt: skip


class NotEmptyError(click.ClickException):
    """The database already holds data (or is not migrated)."""


def check_empty() -> None:
    """Refuse a database that is not migrated or already holds rows of any table we fill."""
    names = set(inspect(db.session.connection()).get_table_names())
    missing = [name for name in tables_filled() if name not in names]
    if missing:
        raise NotEmptyError(
            "The database is not migrated (missing tables: "
            + ", ".join(missing[:5])
            + "). Run `flask db upgrade` first."
        )
    filled = []
    for name in tables_filled():
        table = db.metadata.tables[name]
        if db.session.execute(select(table).limit(1)).first() is not None:
            filled.append(name)
    if filled:
        raise NotEmptyError(
            "The database is not empty (rows in "
            + ", ".join(filled[:6])
            + (", ..." if len(filled) > 6 else "")
            + "): `demo bulk` fills only an empty, migrated database. "
            "Use a new database (e.g. DATABASE_URL=sqlite:////tmp/bulk.sqlite3 flask db upgrade)."
        )


def load_bulk(scale: float, seed: int = DEFAULT_SEED, quiet: bool = False) -> dict[str, int]:
    """Fill an empty database; return the rows written per table (and index steps)."""
    from lab.auth.passwords import hash_password
    from lab.demo import bulk_discussion, bulk_people, bulk_practices, bulk_search, bulk_work

    plan = Plan.for_scale(scale)
    check_empty()
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        db.session.execute(text("PRAGMA cache_size=-262144"))  # 256 MiB: big index builds
    writer = Writer(chunk=5000, dialect=dialect, quiet=quiet)
    started = perf_counter()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small dicts and no cycles: the collector only costs time here
    try:
        world = World(
            plan=plan,
            seed=seed,
            pool=TextPool(random.Random(f"{seed}:text")),
            writer=writer,
            dialect=dialect,
            password_hash=hash_password(BULK_PASSWORD),
        )
        bulk_people.load(world)
        bulk_practices.load(world)
        bulk_discussion.load(world)
        bulk_work.load(world)
        bulk_search.load(world)
        if dialect == "postgresql":
            writer.timed("sequences", _reset_sequences)
        writer.timed("commit", _commit)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    writer.timed("analyze", lambda: _analyze(dialect))
    if not quiet:
        click.echo(f"  {'total':28} {'':>9} {'':4} {perf_counter() - started:7.1f} s")
    return writer.counts


def _commit() -> int:
    db.session.commit()
    return 0


def _reset_sequences() -> int:
    """Ids were given explicitly: move each PostgreSQL sequence past the largest one."""
    count = 0
    for name in tables_filled():
        table = db.metadata.tables[name]
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        db.session.execute(
            text(
                # Table names come from our own metadata, never from input.
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
        count += 1
    return count


def _analyze(dialect: str) -> int:
    """Fresh planner statistics (and, on SQLite, the WAL folded back into the file)."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    db.session.close()
    if dialect == "sqlite":
        raw = db.engine.raw_connection()  # outside any transaction, as a checkpoint must be
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    return 0


def chunked(items: list[Any], size: int) -> Iterator[list[Any]]:
    """A list in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def benchmark_targets() -> dict[str, str]:
    """The URL paths the benchmark measures on a bulk database (run inside an app context).

    Keys: home, practice_list, practice_list_page_500 (the last page when there are fewer),
    practice_list_facets (three facets), practice, search_common, search_rare, thread (the
    200-comment thread: practice 1's page), board (workspace 1's board of 300 tasks), city.
    """
    public = (
        db.session.scalar(
            select(func.count()).select_from(Practice).where(Practice.status.in_(PUBLIC_STATUSES))
        )
        or 0
    )
    last_page = max(1, ceil(public / PRACTICES_PER_PAGE))
    thread_practice = db.session.get(Practice, LANDMARK_THREAD_PRACTICE)
    rare_practice = db.session.get(Practice, LANDMARK_RARE_PRACTICE)
    city = db.session.get(City, LANDMARK_CITY)
    if thread_practice is None or rare_practice is None or city is None:
        raise LookupError("Not a `flask demo bulk` database: its landmarks are missing.")
    facets = (
        f"asset_type={rare_practice.asset_type}&reuse_type={rare_practice.reuse_type}"
        f"&financing_model={rare_practice.financing_model}"
    )
    return {
        "home": "/",
        "practice_list": "/practices/",
        "practice_list_page_500": f"/practices/?page={min(BENCHMARK_PAGE, last_page)}",
        "practice_list_facets": f"/practices/?{facets}",
        "practice": f"/practices/{rare_practice.id}-{rare_practice.slug}",
        "search_common": f"/search?q={COMMON_WORD}",
        "search_rare": f"/search?q={RARE_WORD}",
        "thread": f"/practices/{thread_practice.id}-{thread_practice.slug}",
        "board": f"/workspaces/{LANDMARK_WORKSPACE}/board",
        "city": f"/cities/{city.slug}",
    }


def benchmark_account() -> tuple[str, str]:
    """The e-mail and password of a generated young stakeholder to sign in as."""
    email = db.session.scalar(
        select(User.email).where(User.role == "young_stakeholder").order_by(User.id).limit(1)
    )
    if email is None:
        raise LookupError("Not a `flask demo bulk` database: no generated account.")
    return email, BULK_PASSWORD
