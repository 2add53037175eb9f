"""What this server lets a visitor do, from how it was started."""

from __future__ import annotations

import os


def folders_allowed() -> bool:
    """Whether a page may read a folder a visitor names on the server: only when
    ``LAB_ALLOW_FOLDERS=1``. Off otherwise, also on localhost: a server that listens on
    localhost may still serve a whole class through a reverse proxy, and anyone reaching it
    could then make it read any folder of the server."""
    return os.environ.get("LAB_ALLOW_FOLDERS") == "1"
