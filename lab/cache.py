"""Where the lab keeps what it downloads, trains or copies: one folder, removable at any time.

``LAB_CACHE_DIR`` overrides the default ``data/cache`` inside the project. Everything there
is re-created on demand, so deleting the folder only costs time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = PROJECT_ROOT / "data" / "cache"


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it), created if missing."""
    root = Path(os.environ.get("LAB_CACHE_DIR", DEFAULT_CACHE))
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_arrays(folder: Path, name: str, key: str, arrays: dict, meta: dict) -> None:
    """Arrays in a pickle-free ``name.npz``, ``meta`` and ``key`` in ``name.json``: no pickle
    and no Keras archive, so nothing saved here can run code when it is read back."""
    stem = folder / name
    np.savez(stem.with_suffix(".npz"), **arrays)
    stem.with_suffix(".json").write_text(json.dumps({"key": key, **meta}))


def load_arrays(folder: Path, name: str, key: str, build):
    """``build(meta, arrays)`` for what ``save_arrays`` stored under ``name``, or None when it
    is missing, unreadable, or was saved for another key."""
    stem = folder / name
    try:
        meta = json.loads(stem.with_suffix(".json").read_text())
        if meta.get("key") != key:
            return None
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            return build(meta, arrays)
    except (OSError, ValueError, KeyError, TypeError):
        return None
