"""A real Celery worker process for tests, on Redis, against the test database."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# One Redis database per test run: CRM_TEST_REDIS_DB lets runs side by side keep apart.
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('CRM_TEST_REDIS_DB', '15')}"
# Short leases so a dead runner is noticed in seconds, not the production 90 s. Tests that
# look at leases from this process too set the same values (`same_leases_as_workers`).
LEASES = {"IMPORT_HEARTBEAT_SECONDS": 0.5, "IMPORT_JOB_LEASE_SECONDS": 3, "IMPORT_SWEEP_SECONDS": 1}


def worker_env(sandbox) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "TOKEN_ENCRYPTION_KEYS": ",".join(settings.TOKEN_ENCRYPTION_KEYS),
        "SALESFORCE_LOGIN_URL": sandbox.url,
        "SALESFORCE_CLIENT_ID": sandbox.client_id,
        "SALESFORCE_CLIENT_SECRET": sandbox.client_secret,
        "SALESFORCE_BATCH_SIZE": str(settings.SALESFORCE_BATCH_SIZE),
        "SALESFORCE_RETRY_BASE_SECONDS": "0.05",
        "SALESFORCE_RETRY_MAX_SECONDS": "0.2",
        "LOG_LEVEL": "INFO",
        **{name: str(value) for name, value in LEASES.items()},
    }


def same_leases_as_workers(settings) -> None:
    for name, value in LEASES.items():
        setattr(settings, name, value)


@contextmanager
def use_broker(url):
    """Point this (producer) process at another broker for the block."""
    from crm.celery import app

    previous = app.conf.broker_url
    _switch_broker(app, url)
    try:
        yield app
    finally:
        _switch_broker(app, previous)


@contextmanager
def use_redis_broker():
    """Point this (producer) process at the same Redis the worker reads."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    with use_broker(REDIS_URL) as app:
        yield app


def _switch_broker(app, url):
    # Celery caches the connection pool and the producer pool built for the old broker.
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class WorkerProcess:
    def __init__(self, env: dict, log_path: Path, name: str = "testworker"):
        self.env, self.log_path, self.name = env, log_path, name
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - the worker writes to it until stopped
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self):
        """SIGKILL: no cleanup at all, as when a machine or OOM killer takes it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
