#!/usr/bin/env python3
"""The Lab's benchmark: one command, a dated Markdown results file, the budgets checked.

    .venv/bin/python bench/run.py --database sqlite:////tmp/bulk-scale1.sqlite3 --duration 20

It serves the Lab under gunicorn on 127.0.0.1 with production settings (LAB_ENV=production, a
fresh random LAB_SECRET_KEY, debug off, 2 workers per core) against the given database (filled by
``flask --app lab demo bulk --scale 1``), and the bare Flask app ``bench/hello.py`` under the same
gunicorn settings. Before the load it renders every page once in-process with
``LAB_COUNT_QUERIES`` on, to count its SQL statements, and times ``lab.search.services.search`` on
the database; the gunicorn servers themselves run without it. Then, for each page, as a visitor
and as a signed-in user, at 4 and at 16 connections, it drives load with wrk (installed from
Debian's packages when missing; a Python generator otherwise) for a fixed time after a warm-up,
while sampling the RSS of every gunicorn worker. The results file goes to ``bench/results/``;
see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

# The budgets of issue 7.
P99_BUDGET_MS = 100.0  # every page, at 4 connections
QUERY_BUDGET = 10  # SQL statements per page
SEARCH_BUDGET_MS = 30.0  # one search inside the app, on the scale-1 data
RSS_BUDGET_MB = 200.0  # each gunicorn worker, through the run
CONNECTIONS = (4, 16)
BENCH_EMAIL = "bench.runner@example.org"


@dataclass
class Target:
    """A page to measure, and the share of bare-Flask throughput it must reach at 16 connections."""

    key: str
    label: str
    path: str
    ratio_budget: float | None  # None: no throughput budget (the home page)


# Which pages issue 7 lists, in the order of the results table, with their throughput budgets.
PAGES: list[tuple[str, str, float | None]] = [
    ("home", "Home", None),
    ("list", "Practice list, page 1", 0.10),
    ("list_page_500", "Practice list, page 500", 0.10),
    ("list_facets", "Practice list, three facets", 0.10),
    ("practice", "Practice page", 0.10),
    ("search_common", "Search, a common word", 0.10),
    ("search_rare", "Search, a rare word", 0.10),
    ("thread", "Thread, 200 comments", 0.05),
    ("board", "Workspace board, 300 tasks", 0.05),
    ("city", "City page", 0.10),
]
WHO = ("visitor", "signed in")
# benchmark_targets()'s names for the pages, where they differ from ours.
BULK_KEYS = {
    "practice_list": "list",
    "practice_list_page_500": "list_page_500",
    "practice_list_facets": "list_facets",
}


# --------------------------------------------------------------------------------------------
# The machine


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_facts(database_url: str) -> dict[str, str]:
    """CPU, cores, memory, OS, Python and the database, for the results file."""
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", _read("/proc/meminfo"), re.MULTILINE)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', _read("/etc/os-release"), re.MULTILINE)
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "unknown",
        "cores": str(os.cpu_count() or 1),
        "ram": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "os": f"{os_name.group(1) if os_name else platform.system()} (kernel {platform.release()})",
        "python": platform.python_version(),
        "database": describe_database(database_url),
    }


def describe_database(database_url: str) -> str:
    """The database's kind, version and size, without any password."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if url.get_backend_name() == "sqlite":
                version = connection.execute(text("select sqlite_version()")).scalar()
                megabytes = Path(url.database or "").stat().st_size / 1024 / 1024
                return f"SQLite {version}, {url.database} ({megabytes:.0f} MB)"
            version = connection.execute(text("show server_version")).scalar()
            size = connection.execute(text("select pg_database_size(current_database())")).scalar()
            return (
                f"PostgreSQL {version}, database {url.database} on {url.host}:{url.port or 5432} "
                f"({int(size or 0) / 1024 / 1024:.0f} MB)"
            )
    finally:
        engine.dispose()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(_read("/proc/loadavg").split()[:3])


def git_revision() -> str:
    """The commit measured, marked when the working tree has changes."""
    try:
        head = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


# --------------------------------------------------------------------------------------------
# In-process work: the pages, a user, query counts, search timing


def production_environment(database_url: str, secret_key: str) -> dict[str, str]:
    """What ``./manage prod`` requires, for the in-process app and the gunicorn servers."""
    return {
        "LAB_ENV": "production",
        "LAB_SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
    }


def discover_targets(app: Any) -> dict[str, str]:
    """The addresses to measure, chosen from the database.

    ``lab.demo.bulk.benchmark_targets()`` names them for the bulk data set; this finds the same
    kinds of pages in any database (the demo data, say), so the script runs anywhere.
    """
    from flask import url_for
    from sqlalchemy import text

    from lab.extensions import db

    def one(sql: str) -> Any:
        return db.session.execute(text(sql)).first()

    found: dict[str, str] = {}
    with app.test_request_context(base_url="https://localhost"):
        found["home"] = url_for("home.index")
        found["list"] = url_for("practice_list.index")
        found["list_page_500"] = url_for("practice_list.index", page=500)
        facets = one(
            "select country_code, asset_type, reuse_type, count(*) as n from practice "
            "join city on city.id = practice.city_id where practice.status = 'published' "
            "and practice.deleted_at is null and practice.hidden_at is null "
            "and asset_type is not null and reuse_type is not null "
            "group by country_code, asset_type, reuse_type order by n desc limit 1"
        )
        if facets:
            found["list_facets"] = url_for(
                "practice_list.index",
                country=facets[0],
                asset_type=facets[1],
                reuse_type=facets[2],
            )
        practice = one(
            "select id, slug from practice where status = 'published' "
            "and deleted_at is null and hidden_at is null "
            "order by (select count(*) from adoption where adoption.practice_id = practice.id) "
            "desc, id limit 1"
        )
        if practice:
            found["practice"] = url_for("practices.show", practice_id=practice[0], slug=practice[1])
        found["search_common"] = url_for("search.index", q="heritage")
        rare = _rare_word(app)
        if rare:
            found["search_rare"] = url_for("search.index", q=rare)
        topic = one(
            "select topic.id, thread.comment_count from topic join thread "
            "on thread.id = topic.thread_id "
            "where topic.deleted_at is null and topic.hidden_at is null "
            "order by abs(thread.comment_count - 200), topic.id limit 1"
        )
        if topic and "discussion.topic" in app.view_functions:
            found["thread"] = url_for("discussion.topic", topic_id=topic[0])
        workspace = one(
            "select workspace.id from workspace join workspace_task "
            "on workspace_task.workspace_id = workspace.id "
            "where workspace.visibility = 'public' and workspace.deleted_at is null "
            "and workspace_task.deleted_at is null group by workspace.id "
            "order by abs(count(*) - 300), workspace.id limit 1"
        )
        if workspace and "workspace_tasks.board" in app.view_functions:
            found["board"] = url_for("workspace_tasks.board", workspace_id=workspace[0])
        city = one(
            "select city.slug from city join practice on practice.city_id = city.id "
            "group by city.slug order by count(*) desc, city.slug limit 1"
        )
        if city:
            found["city"] = url_for("cities.show", slug=city[0])
    return found


def _rare_word(app: Any) -> str | None:
    """A word found in exactly one searchable document (the rarest of a few candidates)."""
    from sqlalchemy import func, select

    from lab.extensions import db
    from lab.search.models import SearchDocument
    from lab.search.services import VISITOR, matching

    titles = db.session.scalars(
        select(SearchDocument.title)
        .where(SearchDocument.visibility == "public")
        .order_by(SearchDocument.id)
        .limit(40)
    ).all()
    best: tuple[int, str] | None = None
    for title in titles:
        for word in re.findall(r"[^\W\d_]{7,}", title):
            statement = matching(word, VISITOR)
            if statement is None:
                continue
            n = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
            if n and (best is None or n < best[0]):
                best = (n, word.lower())
            if best and best[0] == 1:
                return best[1]
    return best[1] if best else None


def bulk_targets() -> dict[str, str] | None:
    """The pages ``lab.demo.bulk.benchmark_targets()`` names, when the bulk generator exists."""
    try:
        from lab.demo import bulk
    except ImportError:
        return None
    named = getattr(bulk, "benchmark_targets", None)
    if named is None:
        return None
    try:
        paths = dict(named())
    except LookupError:
        return None  # not a bulk database
    return {BULK_KEYS.get(str(key), str(key)): str(path) for key, path in paths.items()}


def bulk_account() -> tuple[str, str] | None:
    """The generated account ``lab.demo.bulk.benchmark_account()`` names, on a bulk database."""
    try:
        from lab.demo import bulk
    except ImportError:
        return None
    account = getattr(bulk, "benchmark_account", None)
    try:
        if account is None:
            return None
        email, password = account()
    except LookupError:
        return None
    from sqlalchemy import select

    from lab.auth.models import User
    from lab.auth.passwords import verify_password
    from lab.extensions import db

    stored = db.session.scalar(select(User.password_hash).where(User.email == email))
    if not stored or not verify_password(stored, password):
        return None  # a database that only looks like a bulk one (the demo data)
    return str(email), str(password)


def find_targets(app: Any, pages: list[str] | None) -> list[Target]:
    """The pages to measure: the bulk generator's choice where it names one, else discovered."""
    with app.app_context():
        found = discover_targets(app)
        named = bulk_targets() or {}
        for key, path in named.items():
            if key in {k for k, _label, _budget in PAGES}:
                found[key] = path
    _follow_redirects(app, found)
    targets = []
    for key, label, budget in PAGES:
        if pages and key not in pages:
            continue
        if key in found:
            targets.append(Target(key, label, found[key], budget))
        else:
            print(f"    (no {label.lower()} in this database or app: left out)", flush=True)
    return targets


def _follow_redirects(app: Any, found: dict[str, str]) -> None:
    """Measure canonical addresses: a page that redirects (to its slug, say) is replaced by where
    it leads, so that the load measures the page and not the redirect."""
    client = app.test_client()
    for key, path in list(found.items()):
        for _ in range(3):
            response = client.get(path, base_url="https://localhost")
            location = response.headers.get("Location", "")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                break
            parts = urllib.parse.urlsplit(location)
            if parts.netloc not in ("", "localhost"):
                break
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        found[key] = path


def ensure_bench_user(app: Any) -> tuple[str, str]:
    """A verified delegate for the signed-in runs, with a password new to this run.

    Used where the database has no generated account (not a bulk database: the demo data, say).
    """
    from sqlalchemy import select

    from lab.auth.models import User
    from lab.auth.passwords import hash_password
    from lab.cities.models import City
    from lab.core.database import transaction
    from lab.core.types import utcnow
    from lab.extensions import db

    password = secrets.token_urlsafe(24)
    with app.app_context(), transaction() as session:
        user = session.scalar(
            select(User).where(User.email == BENCH_EMAIL).execution_options(include_deleted=True)
        )
        city = session.scalar(select(City).order_by(City.id).limit(1))
        if user is None:
            user = User(
                email=BENCH_EMAIL,
                display_name="Benchmark delegate",
                role="delegate",
                city_id=city.id if city else None,
                email_verified_at=utcnow(),
            )
            if city is None:
                user.role = "young_stakeholder"
                user.stakeholder_kind = "student"
            session.add(user)
        user.password_hash = hash_password(password)
        db.session.flush()
    return BENCH_EMAIL, password


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_test_client(client: Any, email: str, password: str) -> None:
    """Sign a test client in through the real form (https, as production cookies require)."""
    page = client.get("/signin").get_data(as_text=True)
    token = _CSRF.search(page)
    if not token:
        raise RuntimeError("no CSRF token on the sign-in page")
    response = client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        headers={"Referer": "https://localhost/signin"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"in-process sign-in failed with {response.status_code}")
    client.get(response.headers["Location"])  # the welcome message is shown, and gone


@dataclass
class PageCount:
    """A page rendered in-process: its status, SQL statements and time inside the app."""

    status: int
    queries: int
    app_ms: float
    db_ms: float


def count_queries(app: Any, targets: list[Target], email: str, password: str) -> dict[str, Any]:
    """Render every page twice per viewer with the counting hook on; keep the second (warm) one."""
    clients = {
        "visitor": app.test_client(),
        "signed in": app.test_client(),
    }
    for client in clients.values():
        client.environ_base = {"HTTP_ACCEPT_LANGUAGE": "en"}
    sign_in_test_client(clients["signed in"], email, password)
    counts: dict[str, Any] = {}
    for target in targets:
        for who, client in clients.items():
            response = None
            for _ in range(2):
                response = client.get(target.path, base_url="https://localhost")
            assert response is not None
            timing = dict(
                re.findall(r"(\w+);dur=([\d.]+)", response.headers.get("Server-Timing", ""))
            )
            counts[f"{target.key}/{who}"] = PageCount(
                status=response.status_code,
                queries=int(response.headers.get("X-Query-Count", "-1")),
                app_ms=float(timing.get("app", "nan")),
                db_ms=float(timing.get("db", "nan")),
            )
    return counts


@dataclass
class SearchTiming:
    """``lab.search.services.search`` timed inside the app on the benchmark database."""

    words: int
    runs: int
    median_ms: float
    p95_ms: float
    worst_ms: float
    worst_word: str
    slowest: list[tuple[str, float, int]] = field(default_factory=list)


def time_search(app: Any, targets: list[Target], samples: int) -> SearchTiming:
    """Time searches for the pages' words and ``samples`` words drawn from the index.

    Each word is searched three times (as a visitor, first results page, as the search page does)
    and its median kept, so one scheduling hiccup on a shared machine does not decide the budget.
    """
    import random

    from sqlalchemy import select

    from lab.extensions import db
    from lab.search import services
    from lab.search.models import SearchDocument

    words: list[str] = []
    for target in targets:
        if target.key.startswith("search"):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(target.path).query).get("q")
            if query:
                words.append(query[0])
    with app.app_context():
        highest = db.session.scalar(select(SearchDocument.id).order_by(SearchDocument.id.desc()))
        chooser = random.Random(7)  # noqa: S311 - a fixed sample, not a secret
        tries = 0
        while highest and len(words) < samples + 2 and tries < samples * 20:
            tries += 1
            text = db.session.scalar(
                select(SearchDocument.normalised).where(
                    SearchDocument.id == chooser.randint(1, highest)
                )
            )
            candidates = [w for w in (text or "").split() if len(w) >= 5 and w.isalpha()]
            if candidates:
                words.append(chooser.choice(candidates))
        db.session.remove()
        per_word: list[tuple[str, float, int]] = []
        every: list[float] = []
        for word in words:
            runs = []
            total = 0
            for _ in range(3):
                started = time.perf_counter()
                results = services.search(word, services.VISITOR)
                runs.append((time.perf_counter() - started) * 1000)
                total = results.total
            every.extend(runs)
            per_word.append((word, statistics.median(runs), total))
            db.session.remove()
    medians = sorted(m for _w, m, _n in per_word)
    worst = max(per_word, key=lambda item: item[1]) if per_word else ("", float("nan"), 0)
    return SearchTiming(
        words=len(per_word),
        runs=len(every),
        median_ms=statistics.median(medians) if medians else float("nan"),
        p95_ms=medians[min(len(medians) - 1, int(0.95 * len(medians)))]
        if medians
        else float("nan"),
        worst_ms=worst[1],
        worst_word=worst[0],
        slowest=sorted(per_word, key=lambda item: -item[1])[:5],
    )


# --------------------------------------------------------------------------------------------
# gunicorn servers and their memory


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RssSampler(threading.Thread):
    """Samples the resident memory of a gunicorn master's workers (from /proc) until stopped."""

    def __init__(self, master_pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.every = every
        self.max_kb: dict[int, int] = {}
        self.max_load = 0.0
        self._stop_event = threading.Event()

    def workers(self) -> list[int]:
        """The master's child processes."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            stat = _read(f"/proc/{entry.name}/stat")
            # The command may contain spaces and parentheses: fields resume after the last ')'.
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 1 and fields[1] == str(self.master_pid):
                children.append(int(entry.name))
        return children

    def sample(self) -> None:
        """Record each worker's RSS now."""
        for pid in self.workers():
            match = re.search(r"^VmRSS:\s+(\d+) kB", _read(f"/proc/{pid}/status"), re.MULTILINE)
            if match:
                self.max_kb[pid] = max(self.max_kb.get(pid, 0), int(match.group(1)))
        load = _read("/proc/loadavg").split()
        if load:
            self.max_load = max(self.max_load, float(load[0]))

    def run(self) -> None:
        """Sample until stopped."""
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        """Stop sampling (one last sample first)."""
        self.sample()
        self._stop_event.set()
        self.join()

    @property
    def max_mb(self) -> float:
        """The largest RSS any worker reached."""
        return max(self.max_kb.values(), default=0) / 1024


@contextmanager
def gunicorn(
    app_spec: str, workers: int, environment: dict[str, str], chdir: Path, log: Path
) -> Iterator[tuple[str, RssSampler]]:
    """Serve ``app_spec`` under gunicorn on 127.0.0.1; yields its base URL and an RSS sampler."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--chdir",
        str(chdir),
        app_spec,
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            env={**os.environ, **environment},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log)
            sampler = RssSampler(process.pid)
            deadline = time.time() + 30
            while len(sampler.workers()) < workers and time.time() < deadline:
                time.sleep(0.2)
            sampler.start()
            try:
                yield base, sampler
            finally:
                sampler.stop()
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn stopped ({process.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def _cookies_of(response: Any) -> dict[str, str]:
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def sign_in_over_http(base: str, email: str, password: str) -> str:
    """Sign in once against the server; returns the Cookie header for the signed-in runs."""
    opener = urllib.request.build_opener(_NoRedirect)
    jar: dict[str, str] = {}

    def call(path: str, data: bytes | None = None) -> Any:
        request = urllib.request.Request(base + path, data=data)  # noqa: S310
        request.add_header("Accept-Language", "en")
        if jar:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        jar.update(_cookies_of(response))
        return response

    page = call("/signin").read().decode()
    token = _CSRF.search(page)
    if not token:
        raise RuntimeError("no CSRF token on the sign-in page")
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1)}
    ).encode()
    response = call("/signin", form)
    if response.status != 302:
        raise RuntimeError(f"sign-in over HTTP failed with {response.status}")
    call(urllib.parse.urlsplit(response.headers["Location"]).path)  # the welcome flash, consumed
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --------------------------------------------------------------------------------------------
# Load


@dataclass
class Measure:
    """One page, one viewer, one connection count."""

    key: str
    who: str
    connections: int
    result: loadgen.LoadResult


def drain(base: str) -> None:
    """Wait until the server has answered what the load generator left queued.

    gunicorn's sync workers finish every request already accepted, even when its client has gone;
    a slow page's backlog would otherwise be counted against the next measurement.
    """
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=120) as response:  # noqa: S310
                response.read()
            return
        except OSError:
            time.sleep(0.5)


class Driver:
    """Runs wrk, or the Python generator when wrk cannot be had."""

    def __init__(self, use_python: bool) -> None:
        self.wrk = None if use_python else loadgen.find_wrk()
        if self.wrk:
            version = subprocess.run(  # noqa: S603 - the wrk found on PATH
                [self.wrk, "--version"], capture_output=True, text=True, check=False
            )
            self.name = (version.stdout or version.stderr).splitlines()[0].split(" [")[0]
        else:
            self.name = "the Python load generator in bench/loadgen.py (wrk unavailable)"

    def run(
        self, url: str, connections: int, seconds: float, headers: dict[str, str]
    ) -> loadgen.LoadResult:
        """Drive load on one address."""
        if self.wrk:
            return loadgen.run_wrk(self.wrk, url, connections, seconds, headers)
        return loadgen.run_python(url, connections, seconds, headers)


def measure_hello(driver: Driver, base: str, seconds: float) -> dict[int, float]:
    """Requests per second of the hello app at each connection count."""
    driver.run(base + "/", 4, min(3.0, seconds), {})
    rates = {}
    for connections in CONNECTIONS:
        result = driver.run(base + "/", connections, seconds, {})
        rates[connections] = result.rps
        print(f"    hello at {connections:>2} connections: {result.rps:8.0f} req/s", flush=True)
    return rates


# --------------------------------------------------------------------------------------------
# The report


def _ms(value: float) -> str:
    return "—" if value != value else f"{value:.1f}"  # NaN is not equal to itself


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write_report(
    path: Path,
    *,
    started: datetime,
    command: str,
    facts: dict[str, str],
    settings: dict[str, str],
    targets: list[Target],
    counts: dict[str, PageCount],
    search: SearchTiming | None,
    hello: dict[str, dict[int, float]],
    measures: list[Measure],
    rss: dict[str, float],
    loads: dict[str, str],
    notes: str,
) -> dict[str, Any]:
    """Write the Markdown results file; returns the budget verdicts."""
    hello_mean = {
        c: statistics.mean(rates[c] for rates in hello.values() if c in rates) for c in CONNECTIONS
    }
    by = {(m.key, m.who, m.connections): m.result for m in measures}
    lines = [
        f"# Benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}`  ",
        f"Commit: {settings['commit']}",
        "",
        "## Machine and settings",
        "",
        f"- CPU: {facts['cpu']}, {facts['cores']} cores",
        f"- RAM: {facts['ram']}",
        f"- OS: {facts['os']}",
        f"- Python: {facts['python']}",
        f"- Database: {facts['database']}",
        f"- Server: gunicorn {settings['gunicorn']}, {settings['workers']} sync workers, "
        "production settings (LAB_ENV=production, random LAB_SECRET_KEY, no access log); "
        "the hello app under the same settings",
        f"- Load: {settings['driver']}, {settings['duration']} s per measurement after a "
        f"{settings['warmup']} s warm-up per page; {settings['threads']}",
        f"- Load average (1/5/15 min): at the start {loads['start']}, at the end {loads['end']}, "
        f"highest 1-minute value while measuring {loads['max']}"
        + (" — the machine was shared, so throughput is noisy" if loads.get("shared") else ""),
        "",
        "## Bare Flask (bench/hello.py)",
        "",
        "| Connections | " + " | ".join(hello) + " | Mean used for the ratios |",
        "|---|" + "---|" * len(hello) + "---|",
    ]
    for connections in CONNECTIONS:
        cells = " | ".join(
            f"{rates.get(connections, float('nan')):.0f}" for rates in hello.values()
        )
        lines.append(f"| {connections} | {cells} | {hello_mean[connections]:.0f} req/s |")
    for connections in CONNECTIONS:
        lines += [
            "",
            f"## Pages at {connections} connections",
            "",
            "| Page | As | req/s | Share of hello | p50 ms | p99 ms | Errors | SQL queries |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for target in targets:
            for who in WHO:
                result = by.get((target.key, who, connections))
                count = counts.get(f"{target.key}/{who}")
                queries = str(count.queries) if count else "—"
                if result is None:
                    lines.append(f"| {target.label} | {who} | — | — | — | — | — | {queries} |")
                    continue
                share = result.rps / hello_mean[connections] if hello_mean[connections] else 0
                lines.append(
                    f"| {target.label} | {who} | {result.rps:.1f} | {share:.1%} | "
                    f"{_ms(result.p50_ms)} | {_ms(result.p99_ms)} | {result.errors} | {queries} |"
                )
    lines += [
        "",
        "Addresses measured:",
        "",
        *[f"- {target.label}: `{target.path}`" for target in targets],
        "",
        "## Inside the app (one warm in-process request per page, with LAB_COUNT_QUERIES on)",
        "",
        "| Page | As | Status | SQL queries | Time in the app ms | Time in SQL ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for target in targets:
        for who in WHO:
            count = counts.get(f"{target.key}/{who}")
            if count:
                lines.append(
                    f"| {target.label} | {who} | {count.status} | {count.queries} | "
                    f"{_ms(count.app_ms)} | {_ms(count.db_ms)} |"
                )
    if search:
        lines += [
            "",
            "## Search inside the app",
            "",
            f"`lab.search.services.search` as a visitor, first page, {search.words} words (the "
            f"two above and {search.words - 2} drawn from the index with a fixed seed), each "
            f"searched 3 times, median per word: median {search.median_ms:.1f} ms, "
            f"95th percentile {search.p95_ms:.1f} ms, slowest word {search.worst_ms:.1f} ms "
            f"(`{search.worst_word}`).",
            "",
            "Slowest words: "
            + ", ".join(f"`{w}` {ms:.1f} ms ({n} results)" for w, ms, n in search.slowest),
        ]
    lines += [
        "",
        "## Memory",
        "",
        *[f"- {name}: largest worker RSS {mb:.0f} MB" for name, mb in rss.items()],
    ]

    verdicts: dict[str, Any] = {}
    errors = [
        f"{m.key} ({m.who}, {m.connections})"
        for m in measures
        if m.result.errors or m.result.requests == 0
    ]
    verdicts["errors"] = not errors
    slow = [
        f"{target.label} ({who}) {by[(target.key, who, 4)].p99_ms:.0f} ms"
        for target in targets
        for who in WHO
        if (target.key, who, 4) in by and not by[(target.key, who, 4)].p99_ms < P99_BUDGET_MS
    ]
    verdicts["p99"] = not slow
    low = []
    for target in targets:
        for who in WHO:
            result = by.get((target.key, who, 16))
            if target.ratio_budget is None or result is None or not hello_mean[16]:
                continue
            share = result.rps / hello_mean[16]
            if share < target.ratio_budget:
                low.append(f"{target.label} ({who}) {share:.1%} < {target.ratio_budget:.0%}")
    verdicts["ratio"] = not low
    heavy = [
        f"{key} {count.queries}"
        for key, count in counts.items()
        if count.queries > QUERY_BUDGET or count.queries < 0 or count.status != 200
    ]
    verdicts["queries"] = not heavy
    verdicts["search"] = search is not None and search.worst_ms < SEARCH_BUDGET_MS
    verdicts["rss"] = rss.get("Lab", 0) < RSS_BUDGET_MB
    lines += [
        "",
        "## Budgets",
        "",
        "| Budget | Verdict | Where it is missed |",
        "|---|---|---|",
        f"| 0 errors on every page | {_mark(verdicts['errors'])} | {', '.join(errors) or '—'} |",
        f"| p99 under {P99_BUDGET_MS:.0f} ms at 4 connections | {_mark(verdicts['p99'])} | "
        f"{', '.join(slow) or '—'} |",
        "| At 16 connections, ≥10% of hello for the list, practice, city and search pages, ≥5% for "
        f"the thread and the board | {_mark(verdicts['ratio'])} | {', '.join(low) or '—'} |",
        f"| At most {QUERY_BUDGET} SQL queries per page (and 200 OK) | {_mark(verdicts['queries'])} | "
        f"{', '.join(heavy) or '—'} |",
        f"| Search under {SEARCH_BUDGET_MS:.0f} ms inside the app (slowest word's median) | "
        f"{_mark(verdicts['search'])} | "
        + (f"{search.worst_ms:.1f} ms (`{search.worst_word}`)" if search else "not measured")
        + " |",
        f"| Each gunicorn worker under {RSS_BUDGET_MB:.0f} MB RSS | {_mark(verdicts['rss'])} | "
        f"largest {rss.get('Lab', 0):.0f} MB |",
    ]
    if notes:
        lines += ["", notes.rstrip()]
    path.write_text("\n".join(lines) + "\n")
    return verdicts


# --------------------------------------------------------------------------------------------


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", "sqlite:////tmp/bulk-scale1.sqlite3"),
        help="SQLAlchemy URL of the filled database (default: $DATABASE_URL, else "
        "sqlite:////tmp/bulk-scale1.sqlite3)",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per page")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (2 × cores)",
    )
    parser.add_argument("--pages", help="comma-separated page keys to measure (default: all)")
    parser.add_argument(
        "--search-words", type=int, default=40, help="words drawn from the index for search timing"
    )
    parser.add_argument("--python-load", action="store_true", help="use the Python generator")
    parser.add_argument("--machine", help="the machine's name in the results file's name")
    parser.add_argument("--out", type=Path, help="the results file (default: bench/results/…)")
    parser.add_argument("--notes", type=Path, help="a Markdown file appended to the results")
    return parser.parse_args(argv)


def machine_name(facts: dict[str, str]) -> str:
    """A short name for the results file: the CPU's family and the core count."""
    cpu = re.sub(r"\(R\)|\(TM\)|CPU|Processor|@.*", "", facts["cpu"])
    words = [w for w in re.findall(r"[A-Za-z0-9]+", cpu.lower()) if w not in {"intel", "amd"}]
    return "-".join(words[:3] or ["machine"]) + f"-{facts['cores']}c"


def _stop_on_sigterm(_signum: int, _frame: Any) -> None:
    raise SystemExit(143)  # so that the gunicorn servers are stopped on the way out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results file."""
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = datetime.now(UTC)
    secret_key = secrets.token_urlsafe(48)
    environment = production_environment(arguments.database, secret_key)
    loads = {"start": load_average()}
    print(f"==> {started:%Y-%m-%d %H:%M} UTC, load average {loads['start']}", flush=True)
    facts = machine_facts(arguments.database)
    print(f"==> {facts['cpu']}, {facts['cores']} cores; {facts['database']}", flush=True)

    # In-process: the pages, the bench user, query counts and search timing (hook on here only).
    saved = {k: os.environ.get(k) for k in [*environment, "LAB_COUNT_QUERIES"]}
    os.environ.update(environment, LAB_COUNT_QUERIES="true")
    try:
        from lab import create_app

        app = create_app()
        pages = arguments.pages.split(",") if arguments.pages else None
        targets = find_targets(app, pages)
        with app.app_context():
            account = bulk_account()
        email, password = account or ensure_bench_user(app)
        print(f"==> signed-in runs as {email}", flush=True)
        print("==> counting SQL queries per page (in-process)", flush=True)
        counts = count_queries(app, targets, email, password)
        for key, count in counts.items():
            print(f"    {key:<28} {count.status} {count.queries:>3} queries {count.app_ms:7.1f} ms")
        print("==> timing search inside the app", flush=True)
        search = time_search(app, targets, arguments.search_words)
        print(
            f"    {search.words} words: median {search.median_ms:.1f} ms, "
            f"slowest {search.worst_ms:.1f} ms ({search.worst_word})",
            flush=True,
        )
        with app.app_context():
            from lab.extensions import db

            db.engine.dispose()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    driver = Driver(arguments.python_load)
    print(f"==> load generator: {driver.name}", flush=True)
    logs = Path(tempfile.mkdtemp(prefix="lab-bench-"))
    print(f"    gunicorn logs in {logs}", flush=True)
    hello: dict[str, dict[int, float]] = {}
    rss: dict[str, float] = {}
    measures: list[Measure] = []
    max_load = 0.0

    print("==> bare Flask (bench/hello.py), before", flush=True)
    with gunicorn(
        "hello:app", arguments.workers, environment, ROOT / "bench", logs / "hello.log"
    ) as (
        base,
        sampler,
    ):
        hello["before"] = measure_hello(driver, base, arguments.duration)
    rss["hello"] = sampler.max_mb

    print("==> the Lab", flush=True)
    with gunicorn("wsgi:app", arguments.workers, environment, ROOT, logs / "lab.log") as (
        base,
        sampler,
    ):
        cookie = sign_in_over_http(base, email, password)
        headers = {
            "visitor": {"Accept-Language": "en"},
            "signed in": {"Accept-Language": "en", "Cookie": cookie},
        }
        for target in targets:
            for who in WHO:
                driver.run(base + target.path, 4, arguments.warmup, headers[who])
                drain(base)
                for connections in CONNECTIONS:
                    result = driver.run(
                        base + target.path, connections, arguments.duration, headers[who]
                    )
                    measures.append(Measure(target.key, who, connections, result))
                    drain(base)
                    print(
                        f"    {target.key:<14} {who:<9} c={connections:<2} {result.rps:7.1f} req/s "
                        f"p50 {result.p50_ms:6.1f} ms p99 {result.p99_ms:6.1f} ms "
                        f"errors {result.errors}",
                        flush=True,
                    )
    rss["Lab"] = sampler.max_mb
    max_load = max(max_load, sampler.max_load)

    print("==> bare Flask (bench/hello.py), after", flush=True)
    with gunicorn(
        "hello:app", arguments.workers, environment, ROOT / "bench", logs / "hello.log"
    ) as (
        base,
        sampler,
    ):
        hello["after"] = measure_hello(driver, base, arguments.duration)
    rss["hello"] = max(rss["hello"], sampler.max_mb)
    loads["end"] = load_average()
    loads["max"] = f"{max_load:.2f}"
    loads["shared"] = "yes" if max_load > (os.cpu_count() or 1) + 0.5 else ""

    import gunicorn as gunicorn_package

    facts_name = arguments.machine or machine_name(facts)
    backend = arguments.database.split(":", 1)[0].split("+", 1)[0]
    out = (
        arguments.out
        or ROOT / "bench" / "results" / f"{started:%Y-%m-%d}-{facts_name}-{backend}.md"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    verdicts = write_report(
        out,
        started=started,
        command=" ".join(
            shlex.quote(a) for a in ["python", "bench/run.py", *(argv or sys.argv[1:])]
        ),
        facts=facts,
        settings={
            "commit": git_revision(),
            "gunicorn": gunicorn_package.__version__,
            "workers": str(arguments.workers),
            "driver": driver.name,
            "duration": f"{arguments.duration:g}",
            "warmup": f"{arguments.warmup:g}",
            "threads": "wrk threads = min(connections, cores)"
            if driver.wrk
            else "one thread per connection",
        },
        targets=targets,
        counts=counts,
        search=search,
        hello=hello,
        measures=measures,
        rss=rss,
        loads=loads,
        notes=arguments.notes.read_text() if arguments.notes else "",
    )
    out.with_suffix(".json").write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "facts": facts,
                "targets": [asdict(t) for t in targets],
                "counts": {k: asdict(v) for k, v in counts.items()},
                "search": asdict(search),
                "hello": hello,
                "measures": [{**asdict(m), "result": asdict(m.result)} for m in measures],
                "rss_mb": rss,
                "loads": loads,
                "verdicts": verdicts,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"==> results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    for name, ok in verdicts.items():
        print(f"    {name:<8} {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
