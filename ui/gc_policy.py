"""Keep Python's garbage collector off TensorFlow's objects.

Importing TensorFlow/Keras creates a few million long-lived Python objects. Every full
collection then walks all of them, and a page rerun allocates enough to trigger collections:
a threshold move then takes several times as long once a page has loaded TensorFlow
(measured by ``python -m bench.load``, see bench/RESULTS.md). ``gc.freeze()`` moves
everything alive into a permanent generation the collector skips; new objects are still
collected as usual.
"""

from __future__ import annotations

import gc
import sys

_frozen_with = 0  # how many modules were loaded at the last freeze


def freeze_after_heavy_imports() -> None:
    """Freeze once TensorFlow is loaded (and again if many more modules arrive later)."""
    global _frozen_with
    if "tensorflow" in sys.modules and len(sys.modules) > _frozen_with + 50:
        gc.collect()
        gc.freeze()
        _frozen_with = len(sys.modules)
