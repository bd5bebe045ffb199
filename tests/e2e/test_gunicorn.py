"""The Procfile's web process: gunicorn with several workers serves the app and its metrics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mdm.database import upgrade

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.fixture
def gunicorn_url(tmp_path):
    database = f"sqlite:///{tmp_path / 'web.sqlite'}"
    upgrade(database)
    port = free_port()
    env = dict(os.environ, MDM_DATABASE_URL=database, PORT=str(port), WEB_CONCURRENCY="2",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    process = subprocess.Popen([str(GUNICORN), "--config", "python:mdm.gunicorn_conf",
                                "mdm:create_app()"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                get(url + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_gunicorn_serves_readiness_and_sums_metrics_over_workers(gunicorn_url):
    status, body = get(gunicorn_url + "/readyz")
    assert status == 200 and '"pass"' in body
    for _ in range(20):
        get(gunicorn_url + "/healthz")
    _, metrics = get(gunicorn_url + "/metrics")
    line = next(line for line in metrics.splitlines()
                if line.startswith("mdm_http_requests_total{")
                and 'endpoint="health.healthz"' in line)
    assert float(line.rsplit(" ", 1)[1]) >= 20
