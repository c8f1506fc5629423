"""Database conventions: SQLite pragmas and write locks, soft-delete filtering, transactions."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from lab.core.mixins import SoftDeleteMixin
from lab.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_transaction_depth: contextvars.ContextVar[int] = contextvars.ContextVar("tx_depth", default=0)


def engine_options(app: Flask) -> dict[str, Any]:
    """Engine options for the configured database (pre-ping and timeouts on PostgreSQL)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options: dict[str, Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_timeout", 10)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT_S"])
        options["connect_args"] = connect_args
    elif url.get_backend_name() == "sqlite":
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        options["connect_args"] = connect_args
    return options


def wants_write_lock() -> bool:
    """A request with an unsafe method takes SQLite's write lock at BEGIN; a GET never does.

    Outside a request (CLI commands, scripts) transactions are assumed to write.
    """
    if has_request_context():
        return request.method not in SAFE_METHODS
    return True


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN IMMEDIATE for writing transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


@event.listens_for(Session, "do_orm_execute")
def _leave_out_deleted_and_hidden(state: ORMExecuteState) -> None:
    """Deleted and hidden rows are left out of every ORM SELECT unless asked for."""
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if not state.execution_options.get("include_deleted", False):
        state.statement = state.statement.options(
            with_loader_criteria(
                SoftDeleteMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
            )
        )
    if not state.execution_options.get("include_hidden", False):
        state.statement = state.statement.options(
            with_loader_criteria(
                SoftDeleteMixin, lambda cls: cls.hidden_at.is_(None), include_aliases=True
            )
        )


@contextmanager
def transaction() -> Iterator[Any]:
    """One use case, one commit: the outermost block commits, nested blocks join it.

    On an exception the whole use case is rolled back and nothing it did remains.
    """
    depth = _transaction_depth.get()
    token = _transaction_depth.set(depth + 1)
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        _transaction_depth.reset(token)


def init_database(app: Flask) -> None:
    """Bind the database and apply the per-dialect conventions."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    load_all_models()
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if app.config.get("COUNT_QUERIES"):
            from lab.core.query_count import init_query_count

            init_query_count(app, engine)  # the benchmark's opt-in X-Query-Count header


# Objects that only migrations create (full-text tables, their shadow tables, triggers): the models
# do not describe them, so the models-versus-migrations comparison leaves them out.
MIGRATION_ONLY_PREFIXES = ("search_fts",)


def include_in_autogenerate(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: skip database-specific objects created only by migrations."""
    if name and str(name).startswith(MIGRATION_ONLY_PREFIXES):
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and str(table.name).startswith(MIGRATION_ONLY_PREFIXES))


def load_all_models() -> None:
    """Import every feature's ``models`` module, so the metadata and mappers know every table.

    Done by name (importlib), so the kernel does not depend on the features it loads.
    """
    import importlib
    import pkgutil
    from pathlib import Path

    package_dir = Path(__file__).resolve().parent.parent  # the lab package
    for module in pkgutil.iter_modules([str(package_dir)]):
        if not module.ispkg:
            continue
        try:
            importlib.import_module(f"lab.{module.name}.models")
        except ModuleNotFoundError as error:
            if error.name != f"lab.{module.name}.models":
                raise
