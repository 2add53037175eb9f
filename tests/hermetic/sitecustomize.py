"""The tests' network guard: a connection or a name look-up for any host but this machine's
loopback raises ``NetworkBlocked`` (a ``ConnectionError``, which the lab handles as offline).

``tests/conftest.py`` installs it in the test process and puts this folder first on
``PYTHONPATH``, so Python imports this file as ``sitecustomize`` in every Python process the
tests start (a ``streamlit run`` server, its training children, ``lab.prepare``). It guards
Python's sockets only: a C library with its own sockets is not covered.

Beside it, a test server may be given ``TESTS_SAVES_LOG`` (a file): every model file the
server renames into place (``lab.core.cache.save_arrays``'s last step) is appended to it, one path
a line, so a test counts trainings even when a second one overwrites the same file.
"""

from __future__ import annotations

import ipaddress
import os
import socket

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class NetworkBlocked(ConnectionError):
    """A test reached for a host that is not this machine."""


def loopback(host) -> bool:
    if host is None:  # getaddrinfo(None, port): this machine
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode(errors="replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


def _refuse(host) -> None:
    raise NetworkBlocked(f"the tests use no network (asked for {host!r})")


def install() -> None:
    """Guard ``socket.socket.connect``/``connect_ex`` and ``socket.getaddrinfo`` (once)."""
    if getattr(socket, "_tests_guarded", False):
        return
    connect, connect_ex, getaddrinfo = (socket.socket.connect, socket.socket.connect_ex,
                                        socket.getaddrinfo)

    def guarded_connect(self, address):
        if isinstance(address, tuple) and not loopback(address[0]):  # AF_UNIX paths pass
            _refuse(address[0])
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if isinstance(address, tuple) and not loopback(address[0]):
            _refuse(address[0])
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not loopback(host):
            _refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
    socket._tests_guarded = True


def log_saves(path: str) -> None:
    """Append the destination of every ``os.replace`` into a model file (``.json``, the last
    of a save, inside ``LAB_CACHE_DIR``) to ``path``."""
    replace = os.replace

    def logged(src, dst, *args, **kwargs):
        replace(src, dst, *args, **kwargs)
        cache = os.environ.get("LAB_CACHE_DIR")
        if cache and str(dst).endswith(".json") and os.fspath(dst).startswith(cache):
            with open(path, "a") as out:
                out.write(f"{os.fspath(dst)}\n")
    os.replace = logged


install()
if os.environ.get("TESTS_SAVES_LOG"):
    log_saves(os.environ["TESTS_SAVES_LOG"])
