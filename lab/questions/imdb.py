"""Questions on the IMDB page: the classifier's parameter count, the threshold that costs least
for a calibrated model, and which way to move the threshold from 0.5 with the page's costs."""

from __future__ import annotations

from lab.data import imdb
from lab.maths import kinds
from lab.questions.question import Question


def parameters(s: dict, state: dict) -> Question:
    """Embedding(num_words, e) + the recurrent layer on e inputs + Dense(1)."""
    words = imdb.PRESETS[s["im_preset"]][0]
    e, kind, n = int(s["im_emb"]), s["im_kind"], int(s["im_units"])
    count = words * e + kinds.param_count(kind, e, n) + n + 1
    return Question("imdb.parameters", "numeric", float(count),
                    dict(words=words, e=e, kind=kind, n=n, embedding=words * e,
                         rnn=kinds.param_count(kind, e, n)))


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


QUESTIONS = (parameters, best_threshold, direction)
