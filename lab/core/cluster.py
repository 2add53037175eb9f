"""What the processes serving one class share: Redis when ``LAB_REDIS_URL`` is set, else nothing.

``deploy.serve`` runs several lab processes behind nginx and starts a Redis for them; a plain
``streamlit run`` is one process and needs none. Two things live here:

- the :class:`Backend`: a small store of JSON records with an expiry (the rooms, ``lab.classroom.room``;
  the trainings' claims and progress, ``lab.training.store``), in this process's memory
  (:class:`MemoryBackend`) or in Redis (:class:`RedisBackend`);
- :func:`shared`: this server's Redis if there is one and it answers, else None. A Redis that
  cannot be reached is tried again every :data:`RETRY_SECONDS`; meanwhile every process keeps
  working on its own (and ``degraded()`` says so, for the page to tell).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Protocol

RETRY_SECONDS = 30.0  # how often a process that could not reach Redis tries again


class Backend(Protocol):
    """A small store of JSON records with an expiry, and of members' last signs of life."""

    def add(self, key: str, text: str, ttl: float) -> bool: ...  # only if absent
    def get(self, key: str) -> str | None: ...
    def put(self, key: str, text: str, ttl: float) -> None: ...
    def delete(self, *keys: str) -> None: ...
    def keys(self, prefix: str) -> list[str]: ...
    def mark(self, key: str, member: str, text: str, ttl: float) -> None: ...
    def marks(self, key: str) -> dict[str, str]: ...


class MemoryBackend:
    """This process's memory: the default for one ``streamlit run``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._data: dict[str, tuple[float, Any]] = {}

    def _live(self, key: str):
        item = self._data.get(key)
        if item and item[0] < time.time():
            del self._data[key]
            return None
        return item[1] if item else None

    def add(self, key, text, ttl):
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (time.time() + ttl, text)
            return True

    def get(self, key):
        with self._lock:
            value = self._live(key)
            return value if isinstance(value, str) else None

    def put(self, key, text, ttl):
        with self._lock:
            self._data[key] = (time.time() + ttl, text)

    def delete(self, *keys):
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    def keys(self, prefix):
        with self._lock:
            return [k for k in list(self._data) if k.startswith(prefix) and self._live(k)]

    def mark(self, key, member, text, ttl):
        with self._lock:
            marks = self._live(key) or {}
            marks[member] = text
            self._data[key] = (time.time() + ttl, marks)

    def marks(self, key):
        with self._lock:
            return dict(self._live(key) or {})


class RedisBackend:
    """Redis (``LAB_REDIS_URL``): one store for every process and machine serving the class."""

    def __init__(self, url: str):
        import redis  # only where a Redis is configured

        self.r = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                      decode_responses=True)
        self.r.ping()  # fail now, not in the middle of a page

    def add(self, key, text, ttl):
        return bool(self.r.set(key, text, ex=max(1, int(ttl)), nx=True))

    def get(self, key):
        return self.r.get(key)

    def put(self, key, text, ttl):
        self.r.set(key, text, ex=max(1, int(ttl)))

    def delete(self, *keys):
        if keys:
            self.r.delete(*keys)

    def keys(self, prefix):
        return list(self.r.scan_iter(match=prefix + "*", count=500))

    def mark(self, key, member, text, ttl):
        with self.r.pipeline() as p:
            p.hset(key, member, text)
            p.expire(key, max(1, int(ttl)))
            p.execute()

    def marks(self, key):
        return self.r.hgetall(key)



_lock = threading.Lock()
_redis: dict[str, "RedisBackend | None"] = {}  # url -> its backend, None while unreachable
_retry_at: dict[str, float] = {}


def shared() -> "RedisBackend | None":
    """This server's Redis (``LAB_REDIS_URL``), or None: no Redis set, or it cannot be reached."""
    url = os.environ.get("LAB_REDIS_URL", "").strip()
    if not url:
        return None
    with _lock:
        if _redis.get(url) is None and time.time() >= _retry_at.get(url, 0.0):
            try:
                _redis[url] = RedisBackend(url)
            except Exception:  # unreachable, refused, a bad URL: each process on its own
                _redis[url] = None
                _retry_at[url] = time.time() + RETRY_SECONDS
        return _redis.get(url)


def degraded() -> bool:
    """Whether a Redis is set but cannot be reached."""
    return bool(os.environ.get("LAB_REDIS_URL", "").strip()) and shared() is None


def reset() -> None:
    """Forget the connections (tests)."""
    with _lock:
        _redis.clear()
        _retry_at.clear()
