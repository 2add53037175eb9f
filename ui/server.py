"""What this server lets a visitor do, from how it was started."""

from __future__ import annotations

import os

import streamlit as st

LOCAL = ("localhost", "127.0.0.1", "::1")


def folders_allowed() -> bool:
    """Whether a page may read a folder a visitor names on the server: only when the server
    listens on this machine alone (``--server.address localhost``) or ``LAB_ALLOW_FOLDERS=1``.
    On a classroom server anyone on the network could otherwise make it read any folder.
    ``LAB_ALLOW_FOLDERS=0`` turns it off even on localhost: behind a proxy (``deploy``) the
    processes listen on localhost but serve the whole class."""
    setting = os.environ.get("LAB_ALLOW_FOLDERS")
    if setting in ("0", "1"):
        return setting == "1"
    return st.get_option("server.address") in LOCAL
