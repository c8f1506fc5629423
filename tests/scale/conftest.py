"""Fixtures for running as several instances: apps on databases of their own, the S3 server."""

from tests.core.conftest import (  # noqa: F401 - fixtures: apps of their own
    clean_environment,
    fresh_app,
    own_app,
    restore_limiter,
)
from tests.scale.object_store import object_store  # noqa: F401 - fixture: moto's S3 server
