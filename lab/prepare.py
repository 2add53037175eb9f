"""Prepare a classroom machine: download every data set and pre-train every default model.

    python -m lab.prepare            # while online, once; afterwards every page works offline
    python -m lab.prepare --clear    # remove everything it (and the pages) cached
    python -m lab.prepare --lang ko  # its messages in Korean (or LAB_LANG=ko)
    python -m lab.prepare --experiments  # also every IMDB experiment (minutes: bench/RESULTS.md)
    python -m lab.prepare --glove PATH   # copy lecture 002's glove.6B.100d.txt into the cache
    python -m lab.prepare --grid stock-windows  # also the stock page's every window (an
                                                # exploration grid; or stock-units-kinds)

Each step prints a progress bar and the summary at the end says what is ready. What the pages
look up is exactly what this trains: both ask the same stores (``imdb_model.STORE``,
``stock_model.STORE``) with the same keys and the pages' defaults. The cache lives in ``data/cache`` (or
``LAB_CACHE_DIR``); Keras keeps its IMDB download in ``~/.keras/datasets``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lab.core import i18n
from lab.data import glove, imdb, stock
from lab.core.errors import DataUnavailable, LabError, text_of
from lab.core.cache import MARKER, cache_dir, cache_root, is_lab_cache
from lab.training.jobs import DONE, FAILED, Job
from lab.models.stock_model import GRIDS

BAR_WIDTH = 30
POLL_S = 0.5
KERAS_IMDB_FILES = ("imdb.npz", "imdb_word_index.json")


@dataclass
class Step:
    key: str  # its name is prepare.step.<key> in lab/locales
    run: Callable[["Progress"], str]  # returns what it made ready; raises when it cannot

    @property
    def name(self) -> str:
        return i18n.t(f"prepare.step.{self.key}")


class Progress:
    """A one-line text progress bar (the pages show the same training with Streamlit's)."""

    def __init__(self, label: str, out=sys.stdout):
        self.label, self.out = label, out

    def __call__(self, done: float, total: float, note: str = "") -> None:
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        filled = int(round(frac * BAR_WIDTH))
        self.out.write(f"\r  [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {frac:4.0%} {note}"[:110]
                       .ljust(110))
        self.out.flush()

    def follow(self, found):
        """Draw a store's training job (``lab.training.store``) until it ends; the result, or raise."""
        if not isinstance(found, Job):
            return found
        while not found.wait(POLL_S):
            snap = found.snapshot()
            loss = snap.history.get("loss", [float("nan")])[-1]
            self(snap.fraction, 1, i18n.t("prepare.epoch", epoch=min(snap.epoch + 1, snap.epochs),
                                          epochs=snap.epochs, loss=loss))
        if found.state == FAILED:
            raise RuntimeError(found.snapshot().error)
        if found.state != DONE:
            raise LabError("prepare.ended", state=found.state)
        return found.result


# --- The steps ---------------------------------------------------------------------------------
def imdb_data(progress: Progress) -> str:
    """Keras's IMDB reviews and word index. One file serves every vocabulary preset of the page
    (Keras caps the vocabulary when it reads the file), so one load downloads it all."""
    from lab.models.imdb_model import DEFAULT_PRESET

    num_words, skip_top, _ = imdb.PRESETS[DEFAULT_PRESET]
    progress(0, 1, "imdb.npz")
    data = imdb.load_keras(num_words, skip_top)
    if data.word_index is None:
        raise DataUnavailable("imdb.err.no_word_index")
    progress(1, 1, i18n.t("prepare.done"))
    return i18n.t("prepare.imdb_data", train=len(data.x_train), test=len(data.x_test))


def imdb_model(source: str) -> Callable[[Progress], str]:
    """The IMDB page's default model on one source ("keras" or "generated")."""
    def run(progress: Progress) -> str:
        from lab.models.imdb_model import default_inputs, request_default

        inputs = default_inputs(source)
        settings = inputs.settings
        saved = progress.follow(request_default(inputs))
        progress(1, 1, i18n.t("prepare.ready"))
        return i18n.t("prepare.trained", model=f"{settings.kind}({settings.units})",
                      seconds=saved.seconds)
    return run


def stock_model(progress: Progress) -> str:
    """The stock page's default forecast on its default embedded series."""
    from lab.models.stock_model import PRESETS, request

    preset = PRESETS[next(iter(PRESETS))]
    data = stock.load_embedded(stock.EMBEDDED_TICKERS[0])
    prep = stock.prepare(data, preset.prep)
    saved = progress.follow(request(prep, preset.model))  # a diverged model raises: not saved
    progress(1, 1, i18n.t("prepare.ready"))
    return i18n.t("prepare.trained_on", model=f"{preset.model.kind}({preset.model.units})",
                  series=stock.EMBEDDED_TICKERS[0], seconds=saved.seconds)


def embedded_prices(progress: Progress) -> str:
    """The price series that ship inside the bokeh-sampledata package (nothing to download)."""
    for i, ticker in enumerate(stock.EMBEDDED_TICKERS):
        progress(i, len(stock.EMBEDDED_TICKERS), ticker)
        stock.load_embedded(ticker)
    progress(1, 1, i18n.t("prepare.done"))
    return ", ".join(stock.EMBEDDED_TICKERS)


def experiments(progress: Progress) -> str:
    """Every model of the IMDB experiments page on the Keras reviews, at the page's default
    epoch cap: the page then opens each experiment's results without training."""
    from lab.models import experiments as ex

    data = ex.reviews("keras")
    nets = [(e, n) for e in ex.EXPERIMENTS.values() for n in e.nets if ex.runnable(n, data)]
    for i, (e, net) in enumerate(nets):
        progress(i, len(nets), net.id)
        progress.follow(ex.request("keras", data, net, ex.capped(e, ex.PAGE_EPOCHS, net)))
    progress(1, 1, i18n.t("prepare.done"))
    return i18n.t("prepare.models", n=len(nets))


def grid(name: str) -> Callable[[Progress], str]:
    """An exploration grid (``lab.models.stock_model.grid``) around the stock page's defaults on
    its default series: the grid the lecturer's button prepares before anything is moved."""
    def run(progress: Progress) -> str:
        from lab.models.stock_model import PRESETS, grid as stock_grid

        preset = PRESETS[next(iter(PRESETS))]
        data = stock.load_embedded(stock.EMBEDDED_TICKERS[0])
        g = stock_grid(name, data, preset.prep, preset.model)
        while g.running:
            progress(g.fraction(), 1, i18n.t("prepare.grid_points", done=g.done, total=g.total))
            g.thread.join(POLL_S)
        progress(1, 1, i18n.t("prepare.done"))
        return i18n.t("prepare.grid_ready", trained=g.trained, found=g.found, failed=g.failed,
                      total=g.total)
    return run


STEPS = [
    Step("embedded_prices", embedded_prices),
    Step("keras_imdb", imdb_data),
    Step("imdb_model_keras", imdb_model("keras")),
    Step("imdb_model_generated", imdb_model("generated")),
    Step("stock_model", stock_model),
]


def prepare(steps: list[Step] = STEPS, out=sys.stdout) -> list[tuple[str, bool, str, float]]:
    """Run every step (a failed one does not stop the others); (name, ok, note, seconds)."""
    results = []
    for i, step in enumerate(steps, start=1):
        out.write(f"[{i}/{len(steps)}] {step.name}\n")
        start = time.perf_counter()
        try:
            note, ok = step.run(Progress(step.name, out)), True
        except Exception as err:  # reported in the summary; the next step still runs
            note, ok = f"{type(err).__name__}: {text_of(err)}", False
        out.write("\n")
        results.append((step.name, ok, note, time.perf_counter() - start))
    out.write("\n" + i18n.t("prepare.summary", cache=cache_dir()) + "\n")
    for name, ok, note, seconds in results:
        state = i18n.t("prepare.ok" if ok else "prepare.failed")
        out.write(f"  {state:<6}  {name:<40} {seconds:6.1f} s  {note}\n")
    return results


def clear(out=sys.stdout) -> list[Path]:
    """Remove the lab's cache folder and the IMDB files Keras downloaded for it. A folder that
    is not the lab's (``lab.core.cache.is_lab_cache``: ``LAB_CACHE_DIR`` naming someone's files)
    is refused with ``LabError`` and nothing is removed."""
    removed = []
    root = cache_root()
    if root.exists():
        if not is_lab_cache(root):
            raise LabError("prepare.not_lab_cache", path=str(root), marker=MARKER)
        shutil.rmtree(root, ignore_errors=True)
        removed.append(root)
    for name in KERAS_IMDB_FILES:
        path = imdb.KERAS_FILE.parent / name  # Keras's datasets folder (KERAS_HOME honoured)
        if path.exists():
            path.unlink()
            removed.append(path)
    for path in removed:
        out.write(i18n.t("prepare.removed", path=path) + "\n")
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.prepare", description=__doc__.split("\n")[0])
    parser.add_argument("--clear", action="store_true", help=i18n.t("prepare.clear_help"))
    parser.add_argument("--experiments", action="store_true",
                        help=i18n.t("prepare.experiments_help"))
    parser.add_argument("--grid", action="append", default=[], choices=GRIDS,
                        help=i18n.t("prepare.grid_help"))
    parser.add_argument("--glove", metavar="PATH", help=i18n.t("raw_text.glove_help"))
    parser.add_argument("--lang", choices=list(i18n.languages()),
                        default=os.environ.get("LAB_LANG", i18n.DEFAULT))
    args = parser.parse_args(argv)
    i18n.set_language_source(lambda: args.lang)  # this command's messages
    if args.clear:
        try:
            clear()
        except LabError as err:
            print(err.text(), file=sys.stderr)
            return 1
        return 0
    if args.glove:  # lecture 002's vectors, which the lab cannot download for the user
        try:
            print(i18n.t("raw_text.glove_copied", path=glove.install(args.glove)))
        except (LabError, OSError) as err:
            print(err.text() if isinstance(err, LabError) else str(err), file=sys.stderr)
            return 1
        return 0
    results = prepare(STEPS + ([Step("experiments", experiments)] if args.experiments else [])
                      + [Step(f"grid_{name}", grid(name)) for name in args.grid])
    return 0 if all(ok for _, ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
