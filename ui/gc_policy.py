"""Keep Python's garbage collector off the server's long-lived objects.

Importing a page's libraries creates many long-lived Python objects: TensorFlow/Keras a few
million, pandas, Plotly and the lab's own modules many more. Every full collection walks all of
them, and the pages' runs allocate enough to trigger full collections: a threshold move took
several times as long once a page had loaded TensorFlow (``python -m bench.load``), and on the
stock page, without TensorFlow, full collections held every session's run at once, several
times while a class opened the page and trained (a trace of
``python -m bench.live --only explore``; bench/RESULTS.md). ``gc.freeze()`` moves everything
alive into a permanent generation the collector skips; new objects are still collected as
usual. It is done after every wave of imports (a page's first run), not only TensorFlow's.
"""

from __future__ import annotations

import gc
import sys

NEW_MODULES = 50  # a wave of imports: this many modules more than at the last freeze
_frozen_with = 0  # how many modules were loaded at the last freeze


def freeze_after_heavy_imports() -> None:
    """Freeze once a run has loaded many more modules (a page's libraries) than at the last
    freeze: what is garbage is collected first, what is alive is skipped from then on."""
    global _frozen_with
    if len(sys.modules) > _frozen_with + NEW_MODULES:
        gc.collect()
        gc.freeze()
        _frozen_with = len(sys.modules)
