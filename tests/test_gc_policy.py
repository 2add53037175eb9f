"""The server freezes what its imports left alive (``ui.gc_policy``), also without TensorFlow."""

import gc
import sys

from ui import gc_policy


def test_a_wave_of_imports_is_frozen_also_without_tensorflow(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.setattr(gc_policy, "_frozen_with", len(sys.modules) - gc_policy.NEW_MODULES - 1)
    try:
        gc_policy.freeze_after_heavy_imports()
        assert gc.get_freeze_count() > 0 and gc_policy._frozen_with == len(sys.modules)
        gc.unfreeze()
        gc_policy.freeze_after_heavy_imports()  # no new imports since: nothing frozen again
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
