"""A least-recently-used cache bounded by bytes, for values shared by the whole server.

Streamlit's caches count entries. That bounds nothing when entries differ by a factor of 500:
the stock page's default windows take 0.3 MB, and an upload of 100,000 rows cut into windows
of 60 days with 7 features takes 168 MB (100,000 x 60 x 7 x 4 bytes). A byte budget holds
many small entries and few large ones; an entry larger than the whole budget is handed back
without being kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np
import pandas as pd


def nbytes(*values: Any) -> int:
    """The memory held by arrays and data frames (others count 0): an estimate of an entry's
    size that is cheap to compute."""
    total = 0
    for v in values:
        if isinstance(v, np.ndarray):
            total += v.nbytes
        elif isinstance(v, (pd.DataFrame, pd.Series)):
            total += int(np.sum(v.memory_usage(index=True)))
    return total


class ByteLRU:
    """``get(key, make)``: the value kept for ``key``, or ``make()`` kept under it; the least
    recently used values leave once the sizes (``size(value)``) add up to more than
    ``max_bytes``. Thread-safe; two threads missing the same key at once may both make it."""

    def __init__(self, max_bytes: int, size: Callable[[Any], int]):
        self.max_bytes, self.size = max_bytes, size
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
        value = make()
        n = self.size(value)
        with self._lock:
            if n <= self.max_bytes and key not in self._entries:
                self._entries[key] = (value, n)
                while self.total > self.max_bytes:
                    self._entries.popitem(last=False)
        return value

    @property
    def total(self) -> int:
        return sum(n for _, n in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
