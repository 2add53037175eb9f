"""The perceptron page's run as the browser's player plays it (``lab.lessons.playback``): the whole run is
computed at once (a few hundred updates at most); a state is a cursor, the number of updates
applied, and a frame shows one update or one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lab.core import i18n
from lab.networks import perceptron as pc
from lab.figures import PLAYED
from lab.figures.perceptron import view
from lab.lessons.playback import CHUNK_FRAMES, Frame, Playback


@lru_cache(maxsize=64)
def rule_run(gate: str, eta: float, passes: int, init: str, seed: int) -> pc.PerceptronRun:
    """The rule's run at these settings, computed once for the server (never changed)."""
    return pc.train(gate, eta, passes, pc.initial_weights(init, seed))


@dataclass
class PerceptronPlayback(Playback):
    """Rosenblatt's rule on ``gate``; Step and each played frame apply ``per_frame`` updates."""

    gate: str
    eta: float
    passes: int
    init: str
    seed: int
    per_frame: int
    link = "update"

    @property
    def identity(self) -> tuple:
        return (self.gate, self.eta, self.passes, self.init, self.seed)

    @property
    def run(self) -> pc.PerceptronRun:
        return rule_run(*self.identity)

    @property
    def total(self) -> int:
        return len(self.run.updates)

    def start(self) -> int:
        return 0

    def step(self, cursor: int) -> int:
        return min(self.total, cursor + self.per_frame)

    def finished(self, cursor: int) -> bool:
        return cursor >= self.total

    def count(self, cursor: int) -> int:
        return cursor

    def replay(self, count: int) -> int:
        return min(self.total, count)

    def frames_after(self, cursor: int, n: int = CHUNK_FRAMES) -> list[Frame]:
        """A frame per ``per_frame`` updates: the status line, the two figures (presenter
        mode drops the decision figure's title; the status line says the same) and the
        pass's table as text. Frames after the first are built without Plotly's checks."""
        cursors = range(cursor + self.per_frame, self.total + self.per_frame, self.per_frame)
        frames = []
        for i, at in enumerate([min(c, self.total) for c in cursors[:n]]):
            v = view(self.run, self.gate, at, None if i == 0 else PLAYED)
            table = "" if v.rows is None else (
                i18n.t("perceptron.pass_table", p=v.pass_no) + "\n\n"
                + v.rows.to_string(index=False, float_format="{:.3f}".format))
            frames.append(Frame(at, [v.decision, v.history], status=v.status.replace("**", ""),
                                table=table))
        return frames

    def verdict(self) -> tuple[str, str]:
        """(kind: success / error / info, text): how the whole run ends."""
        return run_verdict(self.identity, i18n.current())


@lru_cache(maxsize=64)
def run_verdict(identity: tuple, lang: str) -> tuple[str, str]:
    """How the rule's run at ``identity`` (``PerceptronPlayback.identity``) ends, worded in
    ``lang``: worked out once for the room (every follower's run draws it)."""
    gate, passes, run = identity[0], identity[2], rule_run(*identity)
    with i18n.using(lang):
        if run.converged_pass is not None:
            final = np.round(run.passes.iloc[-1].to_numpy()[1:], 4).tolist()
            return "success", i18n.t("perceptron.learned", gate=gate, p=run.converged_pass,
                                     w=final)
        if run.cycle is not None:
            first, period = run.cycle
            return "error", i18n.t("perceptron.never", gate=gate,
                                   errors=int(run.passes["errors"].min()),
                                   later=first + period, first=first, period=period)
        return "info", i18n.t("perceptron.not_settled", passes=passes,
                              errors=int(run.passes["errors"].iloc[-1]))
