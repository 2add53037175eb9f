"""Each lecture's worked examples as walk-throughs: one per lesson page, its steps in the
lecture's order (the data: ``lab/lectures/walkthroughs.toml``; the words:
``lab/locales/<lang>/walkthroughs.toml``, keys ``walkthrough.<page>.<step>.title`` and
``.text``).

A step names control values exactly as a link does (control key -> value; ``ui.walkthrough``
applies them through the settings table, and a test checks them against ``ui.settings``, which
lab may not import). Steps add up: step i shows the page's defaults with the settings of steps
1..i on top (:func:`settings_at`), so it looks the same reached by Next, by Back or from a link,
and a later step may move one control (the threshold) of the model an earlier one chose.

A number a step's text states is a field filled here: every setting in force is one
(``{pc_eta}``), and :data:`FACTS` computes the others with lab's own functions from those
settings (and ``args``, the lecture's sizes for a count), so no result is typed into a text.

A step may name a question (``question``, an id of ``lab.questions``, a higher layer: the test
checks it exists on the page at the step's settings); ``ui.walkthrough`` asks it before the text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from lab.data import imdb, sequences as sq, text as tx
from lab.lessons.errata import LECTURES
from lab.lessons.xor_play import preset_outputs
from lab.maths import kinds, sigmoid, threshold as th
from lab.models import experiments as ex
from lab.models.stock_model import PRESETS as STOCK_PRESETS
from lab.networks import mlp, perceptron as pc, rnn

FILE = Path(__file__).parents[1] / "lectures" / "walkthroughs.toml"
PAGES = ("perceptron", "xor", "rnn", "structures", "gates", "stock", "text", "imdb",
         "experiments")  # every lesson page but the errata, in the course's order


@dataclass(frozen=True)
class Step:
    page: str
    id: str
    lecture: str  # "000" .. "004"
    section: str  # where in the lecture notes (for whoever checks the step against them)
    settings: dict[str, Any]  # control key -> value, a list as a tuple
    facts: str | None = None  # a name in FACTS
    args: dict[str, Any] = field(default_factory=dict)  # the facts' own inputs
    question: str | None = None  # a question id (lab.questions), asked at this step

    @property
    def key(self) -> str:
        """Locale prefix of its words: ``.title`` and ``.text``."""
        return f"walkthrough.{self.page}.{self.id}"


def _shown(value) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(map(_shown, value))
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _n(value) -> str:
    return f"{int(value):,}"


# --- The numbers a step states, computed ---------------------------------------------------------
def _perceptron(s, **_):
    run = pc.train(s["pc_gate"], s["pc_eta"], s["pc_passes"],
                   pc.initial_weights(s["pc_init"], s.get("pc_seed", 0)))
    last = run.passes.iloc[-1]
    out = {"w": f"({last.w0:g}, {last.w1:g}, {last.w2:g})", "errors_last": _n(last.errors),
           "errors": ", ".join(map(str, run.passes["errors"]))}
    if run.converged_pass is not None:
        out["settled"] = _n(run.converged_pass)
    if run.cycle is not None:
        out["cycle_from"], out["period"] = map(_n, run.cycle)
    return out


def _sigmoid_neuron(s, **_):
    table = pc.sigmoid_table(s["sg_w1"], s["sg_w2"], s["sg_b"], pc.GATES[s["sg_gate"]])
    new = pc.sigmoid_gradient_step(s["sg_w1"], s["sg_w2"], s["sg_b"], pc.GATES[s["sg_gate"]])
    return {"net01": f"{table.net[1]:.2f}", "y01": f"{table.Y[1]:.3f}",
            "printed01": f"{pc.LECTURE_PRINTED_Y[1]:.2f}", "new_w": ", ".join(f"{v:.3f}" for v in new),
            "printed_new_w": ", ".join(f"{v:.2f}" for v in pc.LECTURE_PRINTED_NEW_W)}


def _xor_lecture(s, **_):
    return {"outputs": preset_outputs()}


def _xor_train(s, **_):
    steps, losses = mlp.train_until_converged(mlp.init_params(s["xor_h"], s["xor_seed"]),
                                              s["xor_lr"], check_every=s["xor_spt"])
    return {"steps": _n(steps), "level": f"{mlp.CONVERGED_LOSS:g}"}


def _char_codes(s, **_):
    vocab = sq.char_vocabulary()
    return {"vocab": " ".join(repr(c) for c in vocab),
            "ids": str(sq.encode(s["u_word"], vocab)), "n_vocab": _n(len(vocab))}


def _layer_params(s, kind="SimpleRNN", d=1, n=1, dense=0, reviews=0, steps=0, **_):
    out = {"params": _n(kinds.param_count(kind, d, n) + dense * (n + 1))}
    if reviews:  # the float32 one-hot input of ``reviews`` reviews of ``steps`` words
        out["bytes"] = _n(imdb.one_hot_bytes(reviews, steps, d))
    return out


def _sine_windows(s, units=1, **_):
    x, y = sq.seq2dataset(sq.sine_series()[1], s["s_steps"])
    x_train, _, x_test, _ = sq.split(x, y, 0.8)
    return {"shape": str(x.shape), "train": _n(len(x_train)), "test": _n(len(x_test)),
            "params": _n(rnn.count_params(1, units, 1))}


def _power(s, **_):
    """Lecture 004's w^n, and what reaches step 1 of the page's network (||dL/dH_1|| over
    ||dL/dH_T||, ``lab.networks.rnn.gradient_flow``)."""
    n = s["g_T"] - 1  # the factors between step T and step 1
    flow = rnn.gradient_flow(s["g_T"], s["g_radius"], s["g_act"])
    return {"n": _n(n), "power": f"{rnn.scalar_power(s['g_radius'], n)[-1]:.3g}",
            "ratio": f"{flow.dh_norm[0] / flow.dh_norm[-1]:.3g}"}


def _gate_shift(s, **_):
    return {"gate": f"{float(sigmoid(s['gi_f'])):.3f}"}


def _count_table(s, **_):
    d, n = s["gp_d"], s["gp_n"]
    simple, lstm, gru = (kinds.param_count(k, d, n) for k in ("SimpleRNN", "LSTM", "GRU"))
    return {"simple": _n(simple), "lstm": _n(lstm), "gru": _n(gru),
            "ratio": f"{lstm / simple:g}", "gru_256": _n(kinds.param_count("GRU", d, 256))}


def _stock(s, **_):
    p = STOCK_PRESETS[s["sk_preset"]]
    m, features = p.model, len(p.prep.features)
    out = {"window": _n(p.prep.window_size), "features": _n(features),
           "train": _n(round(p.prep.train_fraction * 100)), "layer": f"{m.kind}({m.units})",
           "params": _n(kinds.param_count(m.kind, features, m.units) + m.units + 1),
           "data": p.data}
    if p.lecture_r2 is not None:
        out["r2"] = f"{p.lecture_r2:.3f}"
    return out


def _imdb(s, **_):
    words, skip, maxlen = imdb.PRESETS[s["im_preset"]]
    net = ex.Net("page", (ex.Layer(s["im_kind"], s["im_units"]),), embedding=s["im_emb"],
                 num_words=words)
    return {"words": _n(words), "skip": _n(skip), "maxlen": _n(maxlen),
            "params": _n(ex.param_count(net, words))}


def _experiment(s, data="", **_):
    """Each net's parameters, for the lecture's vocabulary (``data``: the imdb preset of a
    lecture that keeps every word), beside what the lecture printed."""
    data_words = imdb.PRESETS[data][0] if data else 0
    nets = ex.EXPERIMENTS[s["ex_id"]].nets
    out = {"maxlen": _n(nets[0].maxlen)}
    for net in nets:
        out[f"ours_{net.id}"] = _n(ex.param_count(net, ex.vocabulary(net, data_words)))
        if net.lecture_params is not None:
            out[f"printed_{net.id}"] = _n(net.lecture_params)
        if net.lecture_accuracy is not None:
            out[f"acc_{net.id}"] = f"{net.lecture_accuracy:.0%}"
    return out


def _tokens(s, **_):
    samples = tx.samples_of(s["tx_samples"])
    split, keras = tx.split_tokens(samples), tx.keras_tokens(samples)
    return {"split": _n(len(split.index)), "keras": _n(len(keras.index)),
            "printed": _n(tx.LECTURE_KERAS_TOKENS),
            "shape": str(tx.one_hot(split, s["tx_maxlen"]).shape)}


def _cooccurrence(s, i="I", k="like", **_):
    co = tx.cooccurrence(tx.corpus_tokens(s["tx_corpus"]), s["tx_window"])
    return {"count": _n(co.counts[co.words.index(i), co.words.index(k)]),
            "n_words": _n(len(co.words))}


def _glove_weight(s, rare=1, often=10, **_):
    f = tx.glove_weight([rare, often], s["tx_xmax"], s["tx_alpha"])
    return {"f_rare": f"{f[0]:.3f}", "f_often": f"{f[1]:.3f}"}


def _threshold(s, **_):
    return {"lo": _shown(th.LECTURE_WINDOW[0]), "hi": _shown(th.LECTURE_WINDOW[1])}


FACTS: dict[str, Callable[..., dict[str, str]]] = {
    "perceptron": _perceptron, "sigmoid_neuron": _sigmoid_neuron, "xor_lecture": _xor_lecture,
    "xor_train": _xor_train, "char_codes": _char_codes, "layer_params": _layer_params,
    "sine_windows": _sine_windows, "power": _power, "gate_shift": _gate_shift,
    "count_table": _count_table, "stock": _stock, "imdb": _imdb, "experiment": _experiment,
    "tokens": _tokens, "cooccurrence": _cooccurrence, "glove_weight": _glove_weight,
    "threshold": _threshold,
}


# --- Loading -------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def load(path: Path = FILE) -> dict[str, tuple[Step, ...]]:
    """Every page's walk-through, checked: known pages and lectures, one id once per page, a
    fact's name known. (That the settings are the page's controls is a test's: tests/
    test_walkthroughs.py, against ui.settings.)"""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    unknown = set(raw) - set(PAGES)
    if unknown:
        raise ValueError(path.name, "pages", sorted(unknown))  # not a lesson page
    out = {}
    for page, rows in raw.items():
        steps = []
        for row in rows:
            row = dict(row)
            settings = {k: tuple(v) if isinstance(v, list) else v
                        for k, v in row.pop("settings", {}).items()}
            step = Step(page, settings=settings, **row)
            if step.lecture not in LECTURES:
                raise ValueError(path.name, page, step.id, "lecture", step.lecture)
            if step.facts is not None and step.facts not in FACTS:
                raise ValueError(path.name, page, step.id, "facts", step.facts)
            steps.append(step)
        ids = [s.id for s in steps]
        if len(set(ids)) != len(ids):
            raise ValueError(path.name, page, "ids", ids)  # an id twice
        out[page] = tuple(steps)
    return out


def steps(page: str) -> tuple[Step, ...]:
    """The page's walk-through (empty for a page without one: home, errata)."""
    return load().get(page, ())


def settings_at(page: str, index: int) -> dict[str, Any]:
    """The settings in force at step ``index`` (from 0): those of every step up to it, the
    later ones on top (the page's other controls at their defaults)."""
    out: dict[str, Any] = {}
    for step in steps(page)[:index + 1]:
        out.update(step.settings)
    return out


@lru_cache(maxsize=256)
def _fields(page: str, index: int) -> dict[str, str]:
    step, now = steps(page)[index], settings_at(page, index)
    out = {k: _shown(v) for k, v in {**now, **step.args}.items()}
    if step.facts:
        out.update(FACTS[step.facts](now, **step.args))
    return out


def fields(page: str, index: int) -> dict[str, str]:
    """What step ``index``'s text may state: the settings in force and the numbers lab
    computes from them (once per server: a few ms to a few tens of ms each)."""
    return dict(_fields(page, index))
