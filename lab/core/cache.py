"""Where the lab keeps what it downloads, trains or copies: one folder, removable at any time.

``LAB_CACHE_DIR`` overrides the default ``data/cache`` inside the project. Everything there
is re-created on demand, so deleting the folder only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = PROJECT_ROOT / "data" / "cache"


MARKER = "LAB_CACHE"  # written into a cache folder the lab made: only such a folder is cleared


def cache_root() -> Path:
    """The cache folder's path (not created)."""
    return Path(os.environ.get("LAB_CACHE_DIR", DEFAULT_CACHE))


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it), created if missing. A cache folder the lab
    creates, or finds empty, gets the ``MARKER`` file that ``is_lab_cache`` looks for."""
    root = cache_root()
    if not (root / MARKER).exists() and (not root.exists() or not any(root.iterdir())):
        root.mkdir(parents=True, exist_ok=True)
        (root / MARKER).touch()  # its name says it all; empty
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def is_lab_cache(root: Path) -> bool:
    """Whether ``root`` is a folder the lab made for its cache: the project's own
    ``data/cache``, or a folder holding the ``MARKER``. Another folder (a home folder that
    ``LAB_CACHE_DIR`` names by mistake, someone's data) is never the lab's to delete."""
    return root.resolve() == DEFAULT_CACHE.resolve() or (root / MARKER).is_file()


def digest(*parts, size: int = 16) -> str:
    """The first ``size`` hex digits of the SHA-256 of ``parts`` in order: a string as its
    UTF-8 bytes, bytes as they are, an array as its bytes in C order. Every key the lab hashes
    (file names of saved models, fingerprints of data, names of states) is made here, so equal
    inputs always give the same name."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            part = part.encode()
        h.update(part if isinstance(part, bytes) else np.ascontiguousarray(part).tobytes())
    return h.hexdigest()[:size]


def save_arrays(folder: Path, name: str, key: str, arrays: dict, meta: dict) -> None:
    """Arrays in a pickle-free ``name.npz``, ``meta`` and ``key`` in ``name.json``: no pickle
    and no Keras archive, so nothing saved here can run code when it is read back.

    Each file is written under a temporary name and then renamed into place, the JSON (which
    holds the key that ``load_arrays`` checks) last: a reader never sees a half-written file,
    and an interrupted save leaves at most a stray ``.tmp``."""
    stem = folder / name
    tmp_npz = stem.with_name(f"{name}.{os.getpid()}.{threading.get_ident()}.npz.tmp")
    tmp_json = tmp_npz.with_name(tmp_npz.name.replace(".npz.tmp", ".json.tmp"))
    try:
        with open(tmp_npz, "wb") as f:
            np.savez(f, **arrays)
        tmp_json.write_text(json.dumps({"key": key, **meta}))
        os.replace(tmp_npz, stem.with_suffix(".npz"))
        os.replace(tmp_json, stem.with_suffix(".json"))
    finally:
        for tmp in (tmp_npz, tmp_json):
            tmp.unlink(missing_ok=True)


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
