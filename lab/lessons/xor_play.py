"""The XOR page's training as the browser's player plays it (``lab.lessons.playback``): a run of the
2-H-1 network (weights and the loss before every step), Step, the frames after a run, and a
shared link's step count replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lab.core import i18n
from lab.networks import mlp
from lab.figures.xor import frame_figures, metrics, outputs_text
from lab.lessons.playback import CHUNK_FRAMES, Frame, Playback

MAX_STEPS = 200_000  # training stops here so the loss history stays small
# A link replays at most this many steps on the opener's script thread, so opening a link stays
# quick while MAX_STEPS would not. Every learning rate from 0.1 up converges well within it.
LINK_STEPS = 10_000


@dataclass(frozen=True, eq=False)
class XorRun:
    """Weights after ``len(losses)`` steps, the loss before each step, and whether the last
    step overflowed. A value: a run played in a chunk is shared by every session."""

    params: mlp.MLP
    losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    diverged: bool = False

    @property
    def steps(self) -> int:
        return len(self.losses)

    def after(self, lr: float, n: int) -> "XorRun":
        """This run trained ``n`` more steps (within :data:`MAX_STEPS`), as a new run."""
        n = min(int(n), MAX_STEPS - self.steps)
        if self.diverged or n <= 0:
            return self
        p = self.params.copy()
        losses = mlp.train(p, lr, n)
        return XorRun(p, np.concatenate([self.losses, losses]), len(losses) < n)

    def loss_csv(self) -> bytes:
        """The loss curve as CSV (step, loss): built when it is downloaded."""
        return pd.DataFrame({"step": np.arange(1, self.steps + 1), "loss": self.losses}
                            ).to_csv(index=False).encode()


@dataclass
class XorPlayback(Playback):
    """A network from the lecture's weights or seeded random ones, trained at ``lr``,
    ``steps_per_frame`` steps a frame."""

    preset: bool
    hidden: int
    seed: int
    lr: float
    steps_per_frame: int
    heatmap: bool
    link = "steps"
    link_limit = LINK_STEPS
    wide = (2,)

    @property
    def identity(self) -> tuple:
        return (self.preset, self.hidden, self.seed)

    def start(self) -> XorRun:
        return XorRun(mlp.lecture_preset() if self.preset
                      else mlp.init_params(self.hidden, int(self.seed)))

    def step(self, run: XorRun) -> XorRun:
        return run.after(self.lr, self.steps_per_frame)

    def finished(self, run: XorRun) -> bool:
        return run.diverged or run.steps >= MAX_STEPS or mlp.is_converged(run.params)

    def count(self, run: XorRun) -> int:
        return run.steps

    def replay(self, count: int) -> XorRun:
        return self.start().after(self.lr, count)

    def frames_after(self, run: XorRun, n: int = CHUNK_FRAMES) -> list[Frame]:
        traj = mlp.trajectory(run.params, self.lr, self.steps_per_frame, n,
                              MAX_STEPS - run.steps)
        history = np.concatenate([run.losses, traj.losses])  # each frame's run: a view of it
        last = len(traj.frames) - 1
        frames = []
        for i, (p, n) in enumerate(zip(traj.frames, traj.steps)):
            state = XorRun(p, history[:run.steps + n], traj.diverged and i == last)
            frames.append(Frame(state, frame_figures(p, state.losses, self.heatmap, i == 0),
                                metrics(p, state.steps, self.lr), table=outputs_text(p)))
        return frames

    def titles(self) -> list[str]:
        return [i18n.t("fig.xor.boundary_title"), i18n.t("fig.xor.hidden_title"),
                i18n.t("fig.xor.loss_title", level=mlp.CONVERGED_LOSS)]

    def verdict(self, run: XorRun) -> tuple[str, str] | None:
        """(kind: error / success / info, text) once the run has ended, else None."""
        if run.diverged:
            return "error", i18n.t("xor.overflow", lr=self.lr)
        if mlp.is_converged(run.params):
            return "success", i18n.t("xor.converged", steps=run.steps, level=mlp.CONVERGED_LOSS)
        if run.steps >= MAX_STEPS:
            return "info", i18n.t("xor.stopped", steps=MAX_STEPS)
        return None


def preset_outputs() -> str:
    """The lecture's weights' four outputs, before any training, as text."""
    return ", ".join(f"{v:.4f}" for v in mlp.forward(mlp.lecture_preset()).y.ravel())
