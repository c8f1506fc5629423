"""Several identical instances of the Lab, as behind a load balancer (decision 0015).

``start_instances(n, database_url, redis_url, s3_endpoint)`` starts ``n`` gunicorn servers on
127.0.0.1, each on a port of its own, with production settings and one configuration: the same
database, the same Redis for rate limits, the same S3-compatible bucket for uploads, the same
secret key (so a session signed by one instance is valid on every other). It returns their base
URLs once each answers ``/healthz``; ``stop_instances()`` stops them all.

The database must already be migrated (``flask --app lab db upgrade``, or ``demo bulk``). The
bucket is created if it does not exist. Credentials for the object store come from the usual
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` variables, or, when those are unset, dummy ones
that a local test server (moto, MinIO in its default set-up aside) accepts.

Production cookies are ``Secure``: a client talking plain HTTP to 127.0.0.1 must send the cookies
it got back itself (``http.cookiejar`` would hold them back).

From the command line::

    python bench/instances.py 2 postgresql+psycopg://postgres@127.0.0.1/lab_bench \\
        redis://127.0.0.1:6379/6 http://127.0.0.1:9000

serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUCKET = "lab-bench"
DEFAULT_REGION = "us-east-1"
STARTUP_LIMIT_S = 60


@dataclass
class Instance:
    """One gunicorn server: its process, address and log file."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path


_running: list[Instance] = []


def instance_environment(
    n: int,
    database_url: str,
    redis_url: str,
    s3_endpoint: str | None,
    *,
    bucket: str = DEFAULT_BUCKET,
    secret_key: str | None = None,
    key_prefix: str = "",
) -> dict[str, str]:
    """The environment every instance shares: production, one database, Redis and bucket."""
    environment = {
        "LAB_ENV": "production",
        "LAB_SECRET_KEY": secret_key or secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "LAB_INSTANCE_COUNT": str(n),
        "LAB_RATELIMIT_STORAGE_URI": redis_url,
        "LAB_STORAGE_BACKEND": "s3",
        "LAB_S3_BUCKET": bucket,
        "LAB_S3_REGION": os.environ.get("LAB_S3_REGION", DEFAULT_REGION),
        "LAB_S3_ADDRESSING_STYLE": "path",
        "LAB_S3_KEY_PREFIX": key_prefix,
    }
    if s3_endpoint:
        environment["LAB_S3_ENDPOINT_URL"] = s3_endpoint
    if not os.environ.get("AWS_ACCESS_KEY_ID") and not os.environ.get("LAB_S3_ACCESS_KEY_ID"):
        environment["LAB_S3_ACCESS_KEY_ID"] = "bench"
        environment["LAB_S3_SECRET_ACCESS_KEY"] = "bench-secret"  # noqa: S105 - a local test store
    return environment


def ensure_bucket(environment: dict[str, str]) -> None:
    """Create the bucket the instances will use, unless it is there already."""
    import boto3

    credentials: dict[str, Any] = {}
    if environment.get("LAB_S3_ACCESS_KEY_ID"):
        credentials = {
            "aws_access_key_id": environment["LAB_S3_ACCESS_KEY_ID"],
            "aws_secret_access_key": environment["LAB_S3_SECRET_ACCESS_KEY"],
        }
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=environment.get("LAB_S3_ENDPOINT_URL"),
        region_name=environment["LAB_S3_REGION"],
        **credentials,
    )
    try:
        client.head_bucket(Bucket=environment["LAB_S3_BUCKET"])
    except client.exceptions.ClientError:
        client.create_bucket(Bucket=environment["LAB_S3_BUCKET"])


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_instances(
    n: int,
    database_url: str,
    redis_url: str,
    s3_endpoint: str | None,
    *,
    workers: int = 2,
    bucket: str = DEFAULT_BUCKET,
    extra_environment: dict[str, str] | None = None,
    log_folder: Path | None = None,
) -> list[str]:
    """Start ``n`` identical gunicorn servers; their base URLs once every one answers.

    ``extra_environment`` adds or overrides settings for all of them (``LAB_LOGIN_RATE_LIMIT``...).
    If one fails to start, those already started are stopped and RuntimeError says why.
    """
    environment = instance_environment(n, database_url, redis_url, s3_endpoint, bucket=bucket)
    environment.update(extra_environment or {})
    ensure_bucket(environment)
    folder = log_folder or Path(tempfile.mkdtemp(prefix="lab-instances-"))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    started: list[Instance] = []
    try:
        for number in range(1, n + 1):
            port = free_port()
            log = folder / f"instance-{number}.log"
            command = [
                gunicorn,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--chdir",
                str(ROOT),
                "wsgi:app",
            ]
            with log.open("wb") as log_file:
                process = subprocess.Popen(  # noqa: S603 - fixed arguments
                    command,
                    env={**os.environ, **environment},
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            instance = Instance(process, f"http://127.0.0.1:{port}", log)
            started.append(instance)
            _running.append(instance)
        for instance in started:
            _wait_until_up(instance)
    except BaseException:
        for instance in started:
            _stop(instance)
        raise
    return [instance.base_url for instance in started]


def stop_instances() -> None:
    """Stop every instance started by :func:`start_instances` (gracefully, then by force)."""
    while _running:
        _stop(_running.pop())


def _stop(instance: Instance) -> None:
    if instance in _running:
        _running.remove(instance)
    if instance.process.poll() is not None:
        return
    instance.process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
    try:
        instance.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(instance.process.pid, signal.SIGKILL)
        instance.process.wait()


def _wait_until_up(instance: Instance) -> None:
    """Wait until ``/healthz`` answers 200 (the database reachable), or the server gives up."""
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn at {instance.base_url} stopped ({instance.process.returncode}):\n"
                + instance.log.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(instance.base_url + "/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"gunicorn at {instance.base_url} did not answer within {STARTUP_LIMIT_S} s:\n"
        + instance.log.read_text(errors="replace")[-3000:]
    )


def main() -> None:
    """Serve ``n`` instances until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many instances")
    parser.add_argument("database_url")
    parser.add_argument("redis_url")
    parser.add_argument("s3_endpoint", nargs="?", default=None, help="omit for AWS itself")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--bucket", default=DEFAULT_BUCKET)
    arguments = parser.parse_args()
    urls = start_instances(
        arguments.n,
        arguments.database_url,
        arguments.redis_url,
        arguments.s3_endpoint,
        workers=arguments.workers,
        bucket=arguments.bucket,
    )
    print("\n".join(urls), flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        stop_instances()


if __name__ == "__main__":
    main()
