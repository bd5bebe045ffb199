"""Prometheus metrics: requests, latencies, records ingested by source and outcome."""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# One registry for the process: several apps in one process (tests) share the counters.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "mdm_http_requests_total", "HTTP requests", ["method", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "mdm_http_request_duration_seconds", "HTTP request latency", ["method", "endpoint"],
    registry=REGISTRY,
)
RECORDS_INGESTED = Counter(
    "mdm_records_ingested_total", "Source records received, by source and outcome",
    ["source", "entity_type", "outcome"], registry=REGISTRY,
)


def count_ingested(source: str, entity_type: str, counts: dict[str, int]) -> None:
    """Add an ingestion summary's counts to the records-ingested counter."""
    for outcome, count in counts.items():
        if count:
            RECORDS_INGESTED.labels(source, entity_type, outcome).inc(count)


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _expose)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response: Response) -> Response:
    endpoint = request.endpoint or "unmatched"
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


def _expose() -> Response:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Under gunicorn each worker writes its own files; add them all up.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
