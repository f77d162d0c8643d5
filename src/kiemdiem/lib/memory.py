"""Memory helpers for building many small objects at once (province- and country-scale passes)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a pass builds hundreds of thousands of small objects.

    Tuples, rows and facts built by such a pass form no reference cycles, so reference counting frees
    them; with the collector on, every few thousand allocations trigger a collection, and the full ones
    re-scan every object already built, which makes the pass grow faster than its size.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
