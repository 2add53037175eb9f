"""Questions on the IMDB page: the classifier's parameter count, the threshold that costs least
for a calibrated model, which way to move the threshold from 0.5 with the page's costs, and,
once the page's classifier is trained (found in ``lab.models.imdb_model.STORE``, never trained
here), which of a few thresholds of its sweep makes the fewest mistakes on the test reviews."""

from __future__ import annotations

import numpy as np

from lab.data import imdb
from lab.figures.imdb import load_args
from lab.maths import kinds, threshold as th
from lab.models import imdb_model
from lab.questions.counts import worked
from lab.questions.question import Question

THRESHOLDS = tuple(f"{k / 10:.1f}" for k in range(1, 10))  # the options: 0.1 .. 0.9 of the sweep


def parameters(s: dict, state: dict) -> Question:
    """Embedding(num_words, e) + the recurrent layer on e inputs + Dense(1)."""
    words = imdb.PRESETS[s["im_preset"]][0]
    e, kind, n = int(s["im_emb"]), s["im_kind"], int(s["im_units"])
    count = words * e + kinds.param_count(kind, e, n) + n + 1
    return Question("imdb.parameters", "numeric", float(count),
                    dict(words=words, e=e, kind=kind, n=n, embedding=f"{words * e:,}",
                         rnn=worked(kind, e, n)))


def _best(s: dict) -> float | None:
    """Predicting positive at p costs (1 - p) c_fp, negative costs p c_fn: with calibrated
    probabilities the cheaper side changes at c_fp / (c_fp + c_fn)."""
    fp, fn = float(s["im_cfp"]), float(s["im_cfn"])
    return fp / (fp + fn) if fp + fn > 0 else None


def best_threshold(s: dict, state: dict) -> Question | None:
    best = _best(s)
    if best is None:
        return None
    return Question("imdb.best_threshold", "numeric", best,
                    dict(fp=s["im_cfp"], fn=s["im_cfn"]), tolerance=0.01, digits=2)


def direction(s: dict, state: dict) -> Question | None:
    best = _best(s)
    if best is None:
        return None
    answer = "lower" if best < 0.5 else "higher" if best > 0.5 else "keep"
    return Question("imdb.direction", "choice", answer,
                    dict(fp=s["im_cfp"], fn=s["im_cfn"], best=f"{best:.2f}"),
                    options=("lower", "keep", "higher"), worded=True)


def _reviews(source: str, preset: str) -> tuple[str, str, np.ndarray]:
    """(the reviews' source name, the padded data's fingerprint, the test labels): what names
    the page's model and scores it, from the reviews the page reads (``imdb.loaded``: once per
    process, shared with its sessions)."""
    data, _, _, fingerprint = imdb.loaded(*load_args(source, preset, None, "", False))
    return data.source, fingerprint, np.asarray(data.y_test)  # (an upload: DataUnavailable)


def _trained(s: dict) -> tuple[np.ndarray, imdb_model.Trained] | None:
    """(test labels, the page's trained classifier) from the store's memory or disk; None
    while nothing (or a diverged model) is stored for these settings, or for Keras's reviews
    before they are on this machine (never downloaded here)."""
    if s["im_source"] == "keras" and not imdb.KERAS_FILE.exists():
        return None
    source, fingerprint, y_test = _reviews(s["im_source"], s["im_preset"])
    settings = imdb_model.ModelSettings(s["im_kind"], s["im_emb"], s["im_units"],
                                        s["im_epochs"], s["im_opt"], s["im_lr"])
    found = imdb_model.STORE.get(imdb_model.model_key(source, fingerprint, s["im_preset"],
                                                      settings))
    return None if found is None or found.diverged else (y_test, found)


def fewest_mistakes(s: dict, state: dict) -> Question | None:
    """Of :data:`THRESHOLDS`, the one whose predictions (positive where p >= threshold) are
    wrong on the fewest test reviews; every threshold as few counts (a tie, named)."""
    found = _trained(s)
    if found is None:
        return None
    y, model = found
    _, rate, _ = th.sweep(y, model.p_test, np.array([float(v) for v in THRESHOLDS]))
    wrong = np.rint(rate * len(y)).astype(int)
    tied = [v for v, w in zip(THRESHOLDS, wrong) if w == wrong.min()]
    every, every_rate, _ = th.sweep(y, model.p_test)
    return Question("imdb.fewest_mistakes", "choice", tied[0],
                    dict(n=len(y), kind=model.settings.kind, units=model.settings.units,
                         mistakes=", ".join(f"{v}: {w:,}" for v, w in zip(THRESHOLDS, wrong)),
                         fewest=f"{wrong.min():,}", tied=", ".join(tied),
                         sweep=f"{th.best(every, every_rate):.3f}"),
                    options=THRESHOLDS, also=tuple(tied[1:]),
                    explain="explain_ties" if len(tied) > 1 else "explain")


QUESTIONS = (parameters, best_threshold, direction, fewest_mistakes)
