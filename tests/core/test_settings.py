"""Configuration: the environment overrides defaults, and production refuses an unsafe set-up."""

from __future__ import annotations

import secrets
import stat
import threading

import pytest
from sqlalchemy.engine import make_url

from lab import create_app
from lab.config import TestConfig
from lab.core.settings import UnsafeConfigurationError, _development_secret_key, check_production
from lab.extensions import db

pytestmark = pytest.mark.own_app

GOOD_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production(clean_environment, tmp_path):
    """The environment of a well-configured production server (on a throwaway SQLite file)."""
    clean_environment.setenv("LAB_ENV", "production")
    clean_environment.setenv("LAB_SECRET_KEY", GOOD_KEY)
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    return clean_environment


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("LAB_SECRET_KEY", None, "LAB_SECRET_KEY"),
        ("LAB_SECRET_KEY", "short-key-8f3a", "LAB_SECRET_KEY"),
        ("LAB_SECRET_KEY", "a" * 64, "LAB_SECRET_KEY"),
        ("LAB_SECRET_KEY", "abcabcabc" * 8, "LAB_SECRET_KEY"),
        ("LAB_DEBUG", "true", "debug must be off"),
        ("FLASK_DEBUG", "1", "debug must be off"),
        ("LAB_SESSION_COOKIE_SECURE", "false", "cookies must be Secure"),
        ("LAB_REMEMBER_COOKIE_SECURE", "false", "cookies must be Secure"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(production, variable, value, problem):
    if value is None:
        production.delenv(variable)
    else:
        production.setenv(variable, value)
    with pytest.raises(UnsafeConfigurationError, match=problem) as refused:
        create_app()
    assert "Refusing to start in production" in str(refused.value)


def test_production_names_every_problem_at_once(production):
    production.setenv("LAB_SECRET_KEY", "changeme")
    production.setenv("LAB_DEBUG", "true")
    production.setenv("LAB_SESSION_COOKIE_SECURE", "false")
    with pytest.raises(UnsafeConfigurationError) as refused:
        create_app()
    message = str(refused.value)
    assert "LAB_SECRET_KEY" in message
    assert "debug" in message
    assert "Secure" in message


def test_production_starts_with_a_good_configuration_and_serves_securely(production):
    app = create_app()
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.debug is False
    try:
        response = app.test_client().get("/healthz", base_url="https://lab.example.org")
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_check_production_accepts_a_good_configuration_and_refuses_each_weakness():
    good = {"SECRET_KEY": GOOD_KEY, "DEBUG": False, "SESSION_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_SECURE": True}  # fmt: skip
    check_production(good)
    for weakness in (
        {"SECRET_KEY": None},
        {"SECRET_KEY": GOOD_KEY[:31]},
        {"DEBUG": True},
        {"SESSION_COOKIE_SECURE": False},
        {"REMEMBER_COOKIE_SECURE": False},
    ):
        with pytest.raises(UnsafeConfigurationError):
            check_production({**good, **weakness})


def test_lab_variables_override_the_defaults(clean_environment, tmp_path):
    clean_environment.setenv("LAB_SECRET_KEY", GOOD_KEY)
    clean_environment.setenv("LAB_SITE_NAME", "Lab of Twin Towns")
    clean_environment.setenv("LAB_MAX_CONTENT_LENGTH", "1048576")
    clean_environment.setenv("LAB_SESSION_COOKIE_SECURE", "true")
    clean_environment.setenv("LAB_SITE_URL", "https://twins.example.org")
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lab.sqlite3'}")
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SITE_NAME"] == "Lab of Twin Towns"
    assert app.config["MAX_CONTENT_LENGTH"] == 1048576
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SITE_URL"] == "https://twins.example.org"
    # What a visitor sees: the page title carries the configured name.
    page = app.test_client().get("/no-such-page").get_data(as_text=True)
    assert "· Lab of Twin Towns</title>" in page
    with app.app_context():
        db.engine.dispose()


def test_without_lab_variables_the_defaults_apply(clean_environment, tmp_path):
    clean_environment.setenv("LAB_SECRET_KEY", GOOD_KEY)
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lab.sqlite3'}")
    app = create_app()
    assert app.config["SITE_NAME"] == "Heritage Living Lab"
    assert app.config["MAX_CONTENT_LENGTH"] == 12 * 1024 * 1024
    assert app.config["SESSION_COOKIE_SECURE"] is False
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("sqlite:///{tmp}/elsewhere.sqlite3", "sqlite"),
        ("postgresql+psycopg://lab@db.internal:5432/lab", "postgresql"),
    ],
)
def test_database_url_chooses_the_database(clean_environment, tmp_path, url, dialect):
    url = url.format(tmp=tmp_path)
    clean_environment.setenv("LAB_SECRET_KEY", GOOD_KEY)
    clean_environment.setenv("DATABASE_URL", url)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    with app.app_context():
        engine = db.engine
        assert engine.dialect.name == dialect
        assert engine.url == make_url(url)
        if dialect == "postgresql":
            # A restarted database costs no request: connections are checked before use.
            assert engine.pool._pre_ping is True
        engine.dispose()


def test_test_configuration_ignores_database_url(clean_environment, tmp_path):
    clean_environment.setenv("DATABASE_URL", "postgresql+psycopg://prod@db.internal/lab")
    wanted = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": wanted})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == wanted
    with app.app_context():
        db.engine.dispose()


def test_development_secret_key_is_created_once_private_and_reused(tmp_path):
    instance = tmp_path / "instance"
    first = _development_secret_key(instance)
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 64
    assert len(set(first)) >= 10
    assert _development_secret_key(instance) == first
    assert _development_secret_key(tmp_path / "another") != first


def test_workers_starting_together_share_one_development_secret_key(tmp_path):
    # Several workers of a fresh checkout create the key at the same moment: if they ended up
    # with different keys, sessions and CSRF tokens would fail at random between workers.
    for trial in range(20):
        instance = tmp_path / f"instance-{trial}"
        start = threading.Barrier(8)
        keys: list[str] = []

        def worker(instance=instance, start=start, keys=keys):
            start.wait()
            keys.append(_development_secret_key(instance))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8
        assert len(set(keys)) == 1, f"trial {trial}: workers got {len(set(keys))} different keys"
        assert len(keys[0]) == 64
        assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]
