"""Ingestion throughput and peak memory: `mdm ingest` (CLI) and the batch API.

    .venv/bin/python benchmarks/ingest.py --records 100000 --database sqlite --path both
    .venv/bin/python benchmarks/ingest.py --records 100000 --database postgresql --path cli

Generates N synthetic multichannel customer records (about 20 % duplicates), loads them into a
fresh database and prints records/s and peak RSS of the process doing the work. The matcher
is on (it is part of ingestion): standardising, blocking, scoring, golden records, review tasks.
Wall-clock figures: on a shared machine compare them with the load average of the run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdm.synthetic.customers import CUSTOMER_SOURCES, generate_customer_records  # noqa: E402

BIN = Path(sys.executable).parent
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"


def write_records(path: Path, count: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for item in generate_customer_records(count, seed=seed):
            record = dict(item.record, source=item.source, entity_type="customer")
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def fresh_database(kind: str, workdir: Path, label: str,
                   prefix: str = "mdm_bench") -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / (label + '.sqlite')}", lambda: None
    import psycopg

    name = f"{prefix}_{label}_{os.getpid()}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres",
                             autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return f"{PG_BASE}/{name}", drop


def mdm(env: dict, *args: str, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "mdm"), *args], env=env, check=True,
                          capture_output=capture, text=True)


def prepare(env: dict) -> None:
    mdm(env, "init")
    for source in CUSTOMER_SOURCES:
        mdm(env, "sources", "add", source)


def run_cli(env: dict, path: Path) -> dict:
    prepare(env)
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "mdm"), "ingest", str(path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    summary = process.stdout.read().strip()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"mdm ingest failed: {summary}")
    # CPU seconds of `mdm ingest` and its worker process (reaped by it, so counted in its
    # usage): steadier than wall time on a shared machine. Peak RSS is the larger process's.
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": elapsed, "peak_rss_mib": usage.ru_maxrss / 1024,
            "summary": f"CPU {cpu:.1f} s; {summary}"}


def run_api(env: dict, path: Path, batch_size: int) -> dict:
    prepare(env)
    keys = {source: mdm(env, "keys", "create", "--scope", "push", "--source", source)
            .stdout.strip() for source in CUSTOMER_SOURCES}
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([str(BIN / "gunicorn"), "mdm:create_app()", "--bind",
                               f"127.0.0.1:{port}", "--workers", "2", "--timeout", "300"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(port)
        started = time.perf_counter()
        for source, batch in _batches(path, batch_size):
            _post(port, source, batch, keys[source])
        elapsed = time.perf_counter() - started
        peak = _workers_peak_rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return {"seconds": elapsed, "peak_rss_mib": peak, "summary": f"batches of {batch_size}"}


def _batches(path: Path, size: int):
    pending: dict[str, list] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            source = record.pop("source")
            record.pop("entity_type")
            pending[source].append(record)
            if len(pending[source]) == size:
                yield source, pending.pop(source)
    yield from pending.items()


def _post(port: int, source: str, batch: list, key: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/sources/{source}/customer",
        data=json.dumps(batch).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()


def _wait_ready(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready")


def _workers_peak_rss_mib(master_pid: int) -> float:
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--path", choices=["cli", "api", "both"], default="both")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--chunk-size", type=int, default=None,
                        help="records per transaction of `mdm ingest` (default: the app's)")
    parser.add_argument("--database-prefix", default="mdm_bench",
                        help="start of the PostgreSQL database's name (made and dropped here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mdm-bench-") as tmp:
        workdir = Path(tmp)
        data = workdir / "customers.jsonl"
        write_records(data, args.records, args.seed)
        size_mib = data.stat().st_size / 2**20
        paths = ["cli", "api"] if args.path == "both" else [args.path]
        for path in paths:
            url, drop = fresh_database(args.database, workdir, path, args.database_prefix)
            env = dict(os.environ, MDM_DATABASE_URL=url)
            if args.chunk_size:
                env["MDM_INGEST_CHUNK_SIZE"] = str(args.chunk_size)
            try:
                result = (run_cli(env, data) if path == "cli"
                          else run_api(env, data, args.batch_size))
            finally:
                drop()
            rate = args.records / result["seconds"]
            sys.stdout.write(
                f"{path:4} {args.database:10} N={args.records:>9,} file={size_mib:7.1f} MiB "
                f"{result['seconds']:8.1f} s {rate:9,.0f} records/s "
                f"peak RSS {result['peak_rss_mib']:7.1f} MiB  ({result['summary']})\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
