"""The data layer's conventions: UTC timestamps, soft delete, constraints, migrations, transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from lab.cities.models import Agreement, City, TwinLink
from lab.core.database import engine_options, include_in_autogenerate, transaction
from lab.extensions import db
from tests.core.conftest import ON_POSTGRESQL
from tests.factories import make_city

ROME = ZoneInfo("Europe/Rome")


def _raw_city(**overrides: object) -> City:
    """A city built directly, past the services' validation, to reach the database's own rules."""
    values: dict[str, object] = {"slug": "raw", "name": "Raw", "country_code": "IT",
                                 "time_zone": "Europe/Rome", "languages": ["it"]}  # fmt: skip
    values.update(overrides)
    return City(**values)


# --- timestamps ---------------------------------------------------------------------------------


def test_a_timestamp_comes_back_aware_and_in_utc_after_a_round_trip():
    city = make_city()
    city.hidden_at = datetime(2022, 4, 7, 12, 30, tzinfo=ROME)  # 10:30 UTC (summer time)
    db.session.flush()
    db.session.expire(city)

    reloaded = city.hidden_at  # read again from the database
    assert reloaded is not None
    assert reloaded.utcoffset() == timedelta(0)
    assert reloaded.tzname() == "UTC"
    assert reloaded == datetime(2022, 4, 7, 10, 30, tzinfo=UTC)
    assert (reloaded.hour, reloaded.minute) == (10, 30)
    assert city.created_at.utcoffset() == timedelta(0)


def test_times_from_different_zones_compare_correctly_in_queries():
    early, late = make_city(), make_city()
    early.hidden_at = datetime(2022, 4, 7, 12, 0, tzinfo=ROME)  # 10:00 UTC
    late.hidden_at = datetime(2022, 4, 7, 10, 30, tzinfo=UTC)
    db.session.flush()
    cutoff = datetime(2022, 4, 7, 6, 15, tzinfo=ZoneInfo("America/New_York"))  # 10:15 UTC
    found = db.session.scalars(
        select(City.slug).where(City.hidden_at < cutoff).execution_options(include_hidden=True)
    ).all()
    assert found == [early.slug]


def test_a_naive_datetime_is_refused():
    city = make_city()
    city.hidden_at = datetime(2022, 4, 7, 12, 0)  # whose local time?
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


# --- soft delete and hiding ---------------------------------------------------------------------


def test_deleted_and_hidden_rows_are_left_out_unless_asked_for():
    live, deleted, hidden = make_city(), make_city(), make_city()
    deleted.mark_deleted()
    hidden.mark_hidden("Spam")
    db.session.flush()
    ours = {live.slug, deleted.slug, hidden.slug}

    def slugs(**options: bool) -> set[str]:
        cities = db.session.scalars(select(City).execution_options(**options)).all()
        return {city.slug for city in cities} & ours

    assert slugs() == {live.slug}
    assert slugs(include_deleted=True) == {live.slug, deleted.slug}
    assert slugs(include_hidden=True) == {live.slug, hidden.slug}
    assert slugs(include_deleted=True, include_hidden=True) == ours


def test_counts_and_lookups_leave_out_deleted_rows_too():
    before = db.session.scalar(select(func.count(City.id)))
    gone = make_city()
    gone.mark_deleted()
    db.session.flush()
    assert db.session.scalar(select(func.count(City.id))) == before
    assert db.session.scalar(select(City).where(City.slug == gone.slug)) is None


def test_restoring_and_unhiding_bring_rows_back():
    city = make_city()
    city.mark_deleted()
    db.session.flush()
    city.mark_restored()
    city.mark_hidden("Off topic")
    city.mark_unhidden()
    db.session.flush()
    assert db.session.scalar(select(City).where(City.slug == city.slug)) is city
    assert city.hidden_reason is None


# --- constraints in the database ----------------------------------------------------------------


def test_a_slug_can_be_reused_once_the_first_city_is_deleted():
    first = make_city(slug="ghost-town")
    first.mark_deleted()
    db.session.flush()
    second = make_city(slug="ghost-town")
    assert second.id != first.id
    everyone = select(City).where(City.slug == "ghost-town")
    assert db.session.scalars(everyone).all() == [second]
    assert len(db.session.scalars(everyone.execution_options(include_deleted=True)).all()) == 2


def test_two_live_cities_cannot_share_a_slug():
    make_city(slug="twin-town")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(_raw_city(slug="twin-town"))
        db.session.flush()
    # The test's transaction survived the refused insert, and there is still one twin-town.
    assert db.session.scalar(select(func.count(City.id)).where(City.slug == "twin-town")) == 1


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"country_code": "ITA"}, "ck_city_country_code_iso3166"),
        ({"country_code": "I"}, "ck_city_country_code_iso3166"),
        ({"latitude": 91}, "ck_city_latitude_range"),
        ({"latitude": -90.5}, "ck_city_latitude_range"),
        ({"longitude": 180.25}, "ck_city_longitude_range"),
    ],
)
def test_the_database_refuses_impossible_city_values(overrides, constraint):
    with pytest.raises((IntegrityError, DataError)) as refused, db.session.begin_nested():
        db.session.add(_raw_city(**overrides))
        db.session.flush()
    message = str(refused.value.orig)
    if refused.type is DataError:
        # PostgreSQL's varchar(2) refuses three letters before the CHECK is even reached.
        assert overrides == {"country_code": "ITA"}
        assert "too long" in message
    else:
        assert constraint in message


def test_a_twin_link_must_point_at_existing_cities():
    city = make_city()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(TwinLink(city_a_id=city.id, city_b_id=city.id + 10_000, since_year=2000))
        db.session.flush()


def test_models_and_migrations_agree():
    connection = db.session.connection()
    context = MigrationContext.configure(
        connection, opts={"include_object": include_in_autogenerate, "compare_type": True}
    )
    assert compare_metadata(context, db.metadata) == []


def test_the_comparison_would_notice_a_table_missing_from_the_migrations():
    # The check above can fail: a model the migrations do not create is reported.
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    context = MigrationContext.configure(
        db.session.connection(), opts={"include_object": include_in_autogenerate}
    )
    differences = compare_metadata(context, extra)
    assert [diff[0] for diff in differences] == ["add_table"]
    assert differences[0][1].name == "not_migrated"


# --- per-database settings ----------------------------------------------------------------------


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite pragmas; PostgreSQL has none of these")
def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout():
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's connection pool settings")
def test_postgresql_checks_connections_before_use(app: Flask):
    engine = db.engine
    assert engine.dialect.name == "postgresql"
    assert engine.pool._pre_ping is True


def test_engine_options_per_database():
    app = Flask(__name__)
    app.config.update(SQLITE_BUSY_TIMEOUT_MS=5000, DATABASE_CONNECT_TIMEOUT_S=3)
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://lab@db.internal/lab"
    postgresql = engine_options(app)
    assert postgresql["pool_pre_ping"] is True
    assert postgresql["connect_args"]["connect_timeout"] == 3
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///lab.sqlite3"
    assert engine_options(app)["connect_args"]["timeout"] == 5


# --- one use case, one commit ---------------------------------------------------------------------


@pytest.fixture
def commits():
    """How many times the session has committed since the fixture started."""
    counted: list[int] = []
    session = db.session()

    def after_commit(_session):
        counted.append(1)

    event.listen(session, "after_commit", after_commit)
    yield counted
    event.remove(session, "after_commit", after_commit)


def test_a_use_case_commits_once_at_the_outermost_level(commits):
    with transaction():
        make_city(name="Pavia")  # create_city opens its own transaction() inside this one
        with transaction():
            make_city(name="Turku")
        assert commits == []
    assert len(commits) == 1
    names = db.session.scalars(select(City.name).where(City.name.in_(["Pavia", "Turku"]))).all()
    assert sorted(names) == ["Pavia", "Turku"]


def test_a_failing_use_case_leaves_nothing_behind(commits):
    kept = make_city(name="Kept")
    commits.clear()
    with pytest.raises(RuntimeError, match="boom"), transaction():
        make_city(name="Rolled back 1")
        with transaction():
            make_city(name="Rolled back 2")
            raise RuntimeError("boom")
    assert commits == []
    names = set(db.session.scalars(select(City.name)).all())
    assert "Kept" in names
    assert not names & {"Rolled back 1", "Rolled back 2"}
    assert db.session.get(City, kept.id) is not None
    # The next use case starts afresh and commits as usual.
    make_city(name="After")
    assert len(commits) == 1


def test_agreements_are_soft_deleted_like_cities():
    agreement = Agreement(slug="old-pact", title="Old pact", signed_on=datetime(2020, 1, 1).date())
    db.session.add(agreement)
    db.session.flush()
    agreement.mark_deleted()
    db.session.flush()
    assert db.session.scalar(select(Agreement).where(Agreement.slug == "old-pact")) is None
    found = db.session.scalar(
        select(Agreement)
        .where(Agreement.slug == "old-pact")
        .execution_options(include_deleted=True)
    )
    assert found is agreement
