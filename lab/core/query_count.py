"""Opt-in request instrumentation for the benchmark: SQL statements and time per request.

Enabled only by ``LAB_COUNT_QUERIES=true`` (config ``COUNT_QUERIES``), never in normal
production. When on, every response carries ``X-Query-Count`` (the SQL queries the request
ran, transaction control left out) and ``Server-Timing: app;dur=…, db;dur=…`` (milliseconds
spent in the request and in the database). ``bench/run.py`` reads them; nothing else depends on them.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, g, has_app_context
from sqlalchemy import Engine, event

# Not queries: SQLite's BEGIN is sent as a statement (PostgreSQL's is implicit), as the tests'
# count_queries leaves out savepoints.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def init_query_count(app: Flask, engine: Engine) -> None:
    """Count the statements and time of each request on ``engine`` and report them in headers."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if has_app_context():
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                g._lab_query_count = g.get("_lab_query_count", 0) + 1
            g._lab_query_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(_conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        if has_app_context() and "_lab_query_started" in g:
            spent = time.perf_counter() - g.pop("_lab_query_started")
            g._lab_query_seconds = g.get("_lab_query_seconds", 0.0) + spent

    @app.before_request
    def _start_clock() -> None:
        g._lab_request_started = time.perf_counter()

    @app.after_request
    def _report(response: Response) -> Response:
        response.headers["X-Query-Count"] = str(g.get("_lab_query_count", 0))
        started = g.get("_lab_request_started")
        if started is not None:
            app_ms = (time.perf_counter() - started) * 1000
            db_ms = g.get("_lab_query_seconds", 0.0) * 1000
            response.headers["Server-Timing"] = f"app;dur={app_ms:.2f}, db;dur={db_ms:.2f}"
        return response
