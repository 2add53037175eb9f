"""One contract for everything the lab trains and keeps: a dataclass that subclasses ``Stored``
gets ``diverged``, ``save``, ``load``, its file name and its store.

    @dataclass
    class Guess(Stored, prefix="guess"):  # saved as guess-<digest of the key>.npz and .json
        history: dict[str, list[float]]
        p_test: np.ndarray

    STORE = Guess.store("guesses", limit=8)

A new kind of model is such a dataclass, a train function and a key; ``STORE.request(key,
train)`` (``lab.training.store``) then trains it once for the whole server and keeps it in memory and
on disk, frozen so every session reads the same object.

On disk (``lab.core.cache.save_arrays``), under ``<prefix>-<digest of the key>``: the NumPy array
fields in a pickle-free ``.npz``, every other field in the ``.json`` beside it (a dataclass
field as its dict, rebuilt on load), so nothing saved can run code when it is read back. A kind
whose fields do not map one to one onto files overrides ``to_disk`` and ``from_disk``.

``diverged``: a value of the ``history`` field or one of the ``checked`` arrays (every array
field unless the class names them) is not finite. The store shows a diverged result but never
saves it.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import numpy as np

from lab.core.cache import digest, load_arrays, save_arrays
from lab.training.store import Store

_SCALARS = (bool, int, float, str)


class Stored:
    """The base of a stored result (a dataclass). Subclass with ``prefix=`` (the start of its
    file names) and, optionally, ``checked=`` (the array fields ``diverged`` looks at)."""

    prefix: str = ""
    checked: tuple[str, ...] | None = None

    def __init_subclass__(cls, prefix: str = "", checked: tuple[str, ...] | None = None,
                          **kwargs):
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix or cls.prefix
        if not cls.prefix:  # its files need a name (a developer's error: no reader sees it)
            raise TypeError(f"class {cls.__name__}(Stored, prefix=...)")
        cls.checked = checked if checked is not None else cls.checked

    # --- divergence --------------------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """A loss or an output that is not finite: shown as diverged, never saved."""
        names = self.checked if self.checked is not None else [
            f.name for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)]
        history = getattr(self, "history", {})
        return not all(np.isfinite(getattr(self, n)).all() for n in names) or not all(
            np.isfinite(v).all() for v in history.values())

    # --- disk --------------------------------------------------------------------------------
    @classmethod
    def file_stem(cls, key: str) -> str:
        """The file name (without suffix) of the result saved under ``key``."""
        return f"{cls.prefix}-{digest(key, size=24)}"

    def to_disk(self) -> tuple[dict, dict]:
        """(arrays for the .npz, the rest for the .json): array fields, and the other fields
        with dataclasses as dicts."""
        arrays, meta = {}, {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                arrays[f.name] = value
            else:
                meta[f.name] = (dataclasses.asdict(value) if dataclasses.is_dataclass(value)
                                else value)
        return arrays, meta

    @classmethod
    def from_disk(cls, meta: dict, arrays) -> "Stored":
        """The result ``to_disk`` wrote: each field from the .npz or the .json, a dataclass or
        a number rebuilt by the field's type; a field missing from both takes its default."""
        hints = typing.get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):
            if f.name in arrays.files:
                values[f.name] = arrays[f.name]
            elif f.name in meta:
                kind, value = hints.get(f.name), meta[f.name]
                if dataclasses.is_dataclass(kind):
                    value = kind(**value)
                elif kind in _SCALARS:
                    value = kind(value)
                values[f.name] = value
        return cls(**values)

    def save(self, folder: Path, key: str) -> None:
        arrays, meta = self.to_disk()
        save_arrays(folder, self.file_stem(key), key, arrays, meta)

    @classmethod
    def load(cls, folder: Path, key: str):
        """The result saved under ``key``, or None (missing, unreadable, or another key's)."""
        return load_arrays(folder, cls.file_stem(key), key, cls.from_disk)

    # --- the store ---------------------------------------------------------------------------
    @classmethod
    def store(cls, folder: str, limit: int) -> Store:
        """The server's store of this kind: in the cache's ``folder``, ``limit`` in memory."""
        return Store(folder, cls.load, limit)
