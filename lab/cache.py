"""Where the lab keeps what it downloads, trains or copies: one folder, removable at any time.

``LAB_CACHE_DIR`` overrides the default ``data/cache`` inside the project. Everything there
is re-created on demand, so deleting the folder only costs time.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = PROJECT_ROOT / "data" / "cache"


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it), created if missing."""
    root = Path(os.environ.get("LAB_CACHE_DIR", DEFAULT_CACHE))
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
