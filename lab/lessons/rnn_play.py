"""The unrolled-RNN page's two training demos (``lab.models.rnn_demos``) as the browser's player plays
them (``lab.lessons.playback``): a state is a demo, and a frame shows it after a few more epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.core import i18n
from lab.figures import PLAYED
from lab.figures.rnn import forecast_figure, loss_curves_figure, sine_status, words_status
from lab.lessons.playback import CHUNK_FRAMES, Frame, Playback
from lab.models.rnn_demos import SineDemo, WordsDemo

CHUNK_BUDGET_S = 0.8  # a chunk's training stops here: larger settings play shorter chunks


class DemoPlayback(Playback):
    """What the two demos share: Step and each frame train ``epochs`` epochs at ``lr``."""

    lr: float
    epochs = 1
    frames = CHUNK_FRAMES

    def step(self, demo):
        out = demo.snapshot()
        out.advance(self.epochs)
        return out

    def finished(self, demo) -> bool:
        return demo.finished()

    def resume(self, demo):
        """The demo at this rate: a moved rate slider does not restart training."""
        if demo.opt.lr == self.lr:
            return demo
        out = demo.snapshot()
        out.opt.lr = self.lr
        return out

    def frames_after(self, demo, n: int = CHUNK_FRAMES) -> list[Frame]:
        """Frames after the first are built without Plotly's checks (``lab.figures``)."""
        states = demo.trajectory(self.epochs, min(n, self.frames), CHUNK_BUDGET_S)
        return [self.frame(state, None if i == 0 else PLAYED) for i, state in enumerate(states)]


@dataclass
class WordsPlayback(DemoPlayback):
    """Lecture 000's character RNN on its four words."""

    units: int
    lr: float
    seed: int
    epochs = 5
    wide = (0,)

    @property
    def identity(self) -> tuple:
        return (self.units, self.seed)

    def start(self) -> WordsDemo:
        return WordsDemo(self.units, self.lr, self.seed)

    def frame(self, d: WordsDemo, template: str | None = None) -> Frame:
        """The status line, the loss curve and the four words' table as text."""
        table = d.table()
        return Frame(d, [loss_curves_figure(d.losses, title=i18n.t("rnn.bce"), template=template)],
                     status=words_status(d, table).replace("**", ""),
                     table=i18n.headers(table, "rnn.col").to_string(
                         index=False, float_format="{:.3f}".format))


@dataclass
class SinePlayback(DemoPlayback):
    """Lecture 002's one-step-ahead forecast of the sine series."""

    time_steps: int
    units: int
    lr: float
    seed: int
    frames = 25  # epochs a chunk, one a frame (an epoch's time: bench/RESULTS.md, live training)
    wide = (0, 1)

    @property
    def identity(self) -> tuple:
        return (self.time_steps, self.units, self.seed)

    def start(self) -> SineDemo:
        return SineDemo(self.time_steps, self.units, self.lr, self.seed)

    def frame(self, d: SineDemo, template: str | None = None) -> Frame:
        """The status line, the forecast and the loss curves."""
        return Frame(d, [forecast_figure(*d.forecast(), template=template),
                         loss_curves_figure(d.train_losses, d.test_losses, i18n.t("rnn.mse"),
                                            template)],
                     status=sine_status(d).replace("**", ""))
