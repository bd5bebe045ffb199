"""gunicorn settings of the web process."""

from __future__ import annotations

import gc

from mdm import gunicorn_conf


def test_a_web_worker_freezes_its_start_up_objects_out_of_the_collector():
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
