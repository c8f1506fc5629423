"""A local S3-compatible server for tests: moto's server mode on 127.0.0.1, a free port."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # moto accepts any credentials


@dataclass
class ObjectStore:
    """Where the test server answers, and how to reach it."""

    endpoint: str

    def client(self) -> Any:
        """A boto3 client on the test server (for setting up and looking behind the app)."""
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        """A new, empty bucket with a name of its own."""
        name = f"lab-test-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def app_config(self, bucket: str, prefix: str = "") -> dict[str, Any]:
        """The settings that point the app's storage at this server's bucket."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
            "S3_KEY_PREFIX": prefix,
        }


@contextmanager
def moto_server() -> Iterator[ObjectStore]:
    """Start moto's S3-compatible server in a thread of this process; stop it afterwards."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield ObjectStore(f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture(scope="session")
def object_store() -> Iterator[ObjectStore]:
    """One moto server for the whole run."""
    with moto_server() as store:
        yield store
