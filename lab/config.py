"""Configuration defaults.

Order of precedence (later wins): the classes below, ``instance/config.py``, then ``LAB_*``
environment variables (``LAB_SECRET_KEY``, ``LAB_SESSION_COOKIE_SECURE=true``...) and
``DATABASE_URL``. ``LAB_ENV=production`` selects :class:`ProductionConfig`.
"""

from __future__ import annotations

from datetime import timedelta


class Config:
    """Development defaults: runs with no set-up on SQLite."""

    ENV_NAME = "development"
    TESTING = False
    SECRET_KEY: str | None = None  # generated into instance/secret_key on first run
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: sqlite:///<instance>/lab.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLITE_BUSY_TIMEOUT_MS = 5000
    DATABASE_CONNECT_TIMEOUT_S = 3

    # Where links in e-mails point; never derived from the Host header.
    SITE_URL = "http://127.0.0.1:5000"
    SITE_NAME = "Heritage Living Lab"

    # Request size limits (Flask leaves these unlimited by default).
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_FORM_PARTS = 200
    TRUSTED_HOSTS: list[str] | None = None

    # Uploads (lab/storage). A file over UPLOAD_MAX_BYTES is refused with a clear message; keep
    # MAX_CONTENT_LENGTH above it (room for the form around the file), so that only a request far
    # too large for any upload gets the 413 page.
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_FOLDER: str | None = None  # default <instance>/uploads; relative: under instance/
    UPLOAD_FOLDER_SHARED = False  # True: UPLOAD_FOLDER is a mount every instance shares (NFS...)
    # Where uploads live (lab/storage/backends.py): "local", a folder on this machine, or "s3", an
    # S3-compatible object store that every instance shares (decision 0015). For "s3": the bucket
    # (required, it must exist), the endpoint of a store other than AWS (MinIO, Ceph...), the
    # region, and credentials (else boto3's usual AWS_* variables, ~/.aws or an instance role).
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_KEY_PREFIX = ""  # e.g. "uploads/", to share a bucket with something else
    S3_ADDRESSING_STYLE = "auto"  # "path" for most self-hosted stores
    S3_CONNECT_TIMEOUT_S = 5
    S3_READ_TIMEOUT_S = 30

    # How many identical instances of the app serve the site behind a load balancer. With more
    # than one, production refuses settings that keep state in one process or on one disk
    # (per-process rate limits, a local upload folder that is not declared shared).
    INSTANCE_COUNT = 1

    # Languages of the interface: English first, then the member cities' languages.
    LANGUAGES = ["en", "it", "fr", "pt", "ro", "de", "es", "fi"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGE_COOKIE = "lab_lang"
    LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

    # Sessions and cookies.
    SESSION_COOKIE_NAME = "lab_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute session lifetime
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Rate limiting: per-process memory by default; with several workers or instances, a Redis URI
    # (redis://host:6379/0) so that every process counts the same sign-in attempts (decision 0015).
    # If Redis stops answering, each process falls back to counting in memory until it is back.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "lab"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per 15 minutes"
    LOGIN_ADDRESS_RATE_LIMIT = "50 per 15 minutes"
    VERIFY_RESEND_RATE_LIMIT = "5 per hour"

    # Mail: SMTP when MAIL_SERVER is set, otherwise the in-app outbox.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Heritage Living Lab <lab@localhost>"

    # Moderation: content flagged by this many different people is hidden at once, pending review.
    MODERATION_AUTO_HIDE_FLAGS = 3

    HSTS = False
    PREFERRED_URL_SCHEME = "http"
    # Behind a reverse proxy, set to the number of proxies in front (X-Forwarded-For is ignored
    # otherwise, so a forged header cannot dodge the throttle).
    PROXY_FIX_X_FOR = 0


class ProductionConfig(Config):
    """Production: everything secure, and the app refuses to start otherwise."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"
    SITE_URL = "https://lab.example.org"


class TestConfig(Config):
    """Tests: fast hashing, no throttling unless a test turns it on."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - fast hashing for tests only
    # Throttling stays on (tests exercise the real limiter) with limits no normal test reaches.
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "1000 per minute"
    SITE_URL = "http://lab.test"
    SERVER_NAME = None
