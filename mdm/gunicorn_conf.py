"""gunicorn settings for `web:` in the Procfile: metrics shared across worker processes.

Each worker counts into files under PROMETHEUS_MULTIPROC_DIR; /metrics adds them up. The
folder is wiped when the master starts, so a restart never reports a dead process's counts.
"""

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
