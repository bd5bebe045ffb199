"""A progress bar over the bytes of the files being read (on a terminal only)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm


@contextmanager
def progress_bar(paths: tuple[Path, ...]) -> Iterator[Callable[[int], None]]:
    """Yields `on_progress(bytes_read_in_current_file)`; tqdm hides itself off a terminal."""
    sizes = [os.path.getsize(path) for path in paths]
    done_before = 0
    last_position = 0
    with tqdm(total=sum(sizes), unit="B", unit_scale=True, disable=None,
              desc="ingest") as bar:

        def on_progress(position: int) -> None:
            nonlocal done_before, last_position
            if position < last_position:  # the next file started
                done_before += last_position
            last_position = position
            bar.n = min(done_before + position, bar.total)
            bar.refresh()

        yield on_progress
