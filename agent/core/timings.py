"""Step timings for the benchmarks: where a bulk run's wall clock goes, written only when asked for.

``OZON_RPA_STEP_TIMES=FILE`` makes every :func:`step` append one JSON line (step name, thread, start, seconds)
to FILE; ``bench/bulk_bench.py`` reads them into its phase breakdown. Off (the default), a step costs one
attribute lookup: nothing is measured, nothing written.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()


def _target() -> str:
    return os.environ.get("OZON_RPA_STEP_TIMES", "")


@contextmanager
def step(name: str) -> Iterator[None]:
    """Time the block as step ``name`` when step timings are on (see the module's docstring)."""
    target = _target()
    if not target:
        yield
        return
    started = time.time()
    try:
        yield
    finally:
        line = json.dumps({"step": name, "thread": threading.current_thread().name, "start": started,
                           "s": round(time.time() - started, 4)})
        with _LOCK, open(target, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
