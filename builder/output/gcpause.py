"""Pause Python's cycle collector while a review builds and writes thousands of rows.

The rows are plain dicts and lists with no reference cycles, so the collector finds nothing to
free; but each full collection walks every row held so far, so with the collector running a
review's cost grows faster than its size. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Within the block, no cycle collection (forked workers inherit the pause); afterwards, as before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
