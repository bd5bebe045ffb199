"""gunicorn settings for `web:` in the Procfile: metrics shared across worker processes, and
each worker's start-up objects frozen out of the garbage collector.

Each worker counts into files under PROMETHEUS_MULTIPROC_DIR; /metrics adds them up. The
folder is wiped when the master starts, so a restart never reports a dead process's counts.
"""

import gc
import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
        tempfile.gettempdir(), f"mdm-metrics-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # What the app loads at start-up (models, metadata, caches) lives as long as the worker;
    # frozen out of the collector, a full collection no longer walks it in the middle of a
    # request (180,000 objects: 200+ ms inside a steward's merge on a busy machine).
    gc.freeze()
