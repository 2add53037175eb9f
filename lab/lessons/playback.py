"""What a lesson gives the browser's player (``ui.frames_player``): its states and their frames.

A lesson that plays describes itself as a :class:`Playback`: where it starts, what one Step
does, and "the frames after this state", each frame carrying what it shows (metrics, figures,
text) and the state it lands on. The player does the rest (the digest of a state, the chunks
shared by the whole server, settling on the frame the browser showed, the link's count).

States are values: nothing changes a state in place once made (a played chunk's states are
shared by every session that plays it), so :meth:`Playback.step` returns a new one.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

from lab.core import cache

CHUNK_FRAMES = 50  # frames per chunk at most (the player asks for fewer right after Play)


def digest(state) -> str:
    """A name for this exact state (weights, optimiser, random generator, losses...): a
    chunk of frames is computed once per state and settings for the whole server."""
    return cache.digest(pickle.dumps(state))


@dataclass
class Frame:
    """One frame the browser shows, and the state it lands on."""

    state: Any
    figs: list  # Plotly figures, in the order the player lays them out
    metrics: list[tuple[str, str]] = field(default_factory=list)  # (label, value) row
    status: str = ""  # a line of plain text over the charts
    table: str = ""  # a block of plain text under them


class Playback:
    """A lesson's states as the player needs them. Subclasses are dataclasses of their
    settings: the player names a chunk by the playback's ``repr`` and the state's digest, so
    every field that changes a frame must appear in the ``repr``."""

    link = ""  # the URL parameter that names a state by its count; "" for none
    link_limit: int | None = None  # a link's count above this is capped (its replay costs CPU)
    wide: tuple[int, ...] = ()  # the figures laid out across both columns
    identity: tuple = ()  # settings that make a new start when they change

    def start(self):
        raise NotImplementedError

    def step(self, state):
        """The state one Step after ``state`` (a new value)."""
        raise NotImplementedError

    def frames_after(self, state, n: int = CHUNK_FRAMES) -> list[Frame]:
        """The frames that follow ``state``, at most ``n`` (at most :data:`CHUNK_FRAMES`;
        none once :meth:`finished`)."""
        raise NotImplementedError

    def finished(self, state) -> bool:
        return False

    def resume(self, state):
        """``state`` as these settings take it up (a setting that lives in the state, such as
        a learning rate, changed mid-play); by default as it is."""
        return state

    def count(self, state) -> int:
        """What the link's parameter says of ``state`` (steps or updates so far)."""
        return 0

    def replay(self, count: int):
        """The state a link's count names (``count`` already within ``link_limit``)."""
        return self.start()

    def titles(self) -> list[str]:
        """The figures' titles shown above them in presenter mode (which drops them from the
        figures); none by default."""
        return []
