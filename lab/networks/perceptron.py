"""Rosenblatt's perceptron and the sigmoid neuron of lecture 000.

Two ideas from the first lecture live here, with every intermediate number exposed:

* the perceptron learning rule ``w_i <- w_i + eta * x_i * (t - f(net))`` with the step
  function ``f(net) = 1 if net > 0 else 0``, trained one sample at a time on AND, OR or XOR,
  exactly as the lecture's loop does (bias first: ``x = [1, x1, x2]``, ``w = [w0, w1, w2]``);
* the sigmoid neuron table (weights -0.16 and 0.44, bias -0.99) and the one gradient step the
  lecture takes from it, with the true values beside the ones the slide prints.

Everything is plain NumPy/pandas: no Streamlit, no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.core import i18n
from lab.maths import sigmoid
from lab.core.errors import InvalidInput
from lab.data.truth_tables import GATES, INPUTS

# --- The four inputs and the three logic gates (lecture 000; lab.data.truth_tables) ----------------
# Inputs with the bias input 1 in front, as the lecture writes them.
X_WITH_BIAS = np.hstack([np.ones((4, 1)), INPUTS])

MAX_PASSES = 5000  # 20,000 updates, still quick (``python -m bench.run --only perceptron``)


def step(net: float) -> int:
    """The lecture's activation: ``1 if net > 0 else 0`` (0 at exactly 0)."""
    return 1 if net > 0 else 0


def initial_weights(kind: str = "zeros", seed: int = 0, scale: float = 0.5) -> np.ndarray:
    """``[w0, w1, w2]``: zeros as in the lecture, or uniform(-scale, scale) from ``seed``."""
    if kind == "zeros":
        return np.zeros(3)
    if kind == "random":
        return np.random.default_rng(seed).uniform(-scale, scale, size=3)
    raise InvalidInput("args.choice", name="init", got=repr(kind), choices="zeros, random")


@dataclass(frozen=True)
class PerceptronRun:
    """Every update of a perceptron run.

    ``updates`` has one row per sample presentation: the lecture's table (x1, x2, net, f(net),
    t, error) plus the weight change and the weights after the update.
    ``passes`` has one row per pass: the weights after it and how many samples it got wrong.
    """

    gate: str
    eta: float
    w_init: np.ndarray
    updates: pd.DataFrame
    passes: pd.DataFrame

    @property
    def converged_pass(self) -> int | None:
        """First pass with no error (every later pass is then error-free too), or None."""
        clean = self.passes.index[self.passes["errors"] == 0]
        return int(clean[0]) if len(clean) else None

    @property
    def cycle(self) -> tuple[int, int] | None:
        """``(first_pass, period)`` if the end-of-pass weights repeat while errors remain.

        On XOR the rule never settles: the weights come back to an earlier value and the same
        mistakes are made again, forever. On a separable gate this stays None.
        """
        if self.converged_pass is not None:
            return None
        seen: dict[tuple, int] = {}
        for p, row in self.passes.iterrows():
            key = tuple(np.round(row[["w0", "w1", "w2"]].to_numpy(float), 9))
            if key in seen:
                return seen[key], int(p) - seen[key]
            seen[key] = int(p)
        return None


def train(gate: str, eta: float, passes: int, w_init: np.ndarray | None = None) -> PerceptronRun:
    """Run the lecture's loop: ``passes`` times over the four samples, updating after each.

    The arithmetic is the lecture's own (``np.dot(x, w)``, then ``w[i] += eta * e * x[i]``),
    so the weights match its printout to the last bit.
    """
    if gate not in GATES:
        raise InvalidInput("args.choice", name="gate", got=repr(gate), choices=", ".join(GATES))
    if not np.isfinite(eta) or eta < 0:
        raise InvalidInput("args.rate", name="eta", got=eta)
    passes = int(passes)
    if not 1 <= passes <= MAX_PASSES:
        raise InvalidInput("args.range", name="passes", lo=1, hi=MAX_PASSES, got=passes)
    w = np.zeros(3) if w_init is None else np.array(w_init, dtype=float)
    if w.shape != (3,):
        raise InvalidInput("args.w_init")
    w_start = w.copy()
    t_all = GATES[gate]

    rows = np.empty((passes * 4, 14))
    pass_rows = np.empty((passes, 5))
    r = 0
    for p in range(passes):
        errors = 0
        for i in range(4):
            x = X_WITH_BIAS[i]
            net = float(np.dot(x, w))
            fnet = step(net)
            e = int(t_all[i]) - fnet
            dw = eta * e * x + 0.0  # + 0.0 turns the -0.0 of a zero input into 0.0
            w = w + dw
            errors += e != 0
            rows[r] = (p + 1, i + 1, x[1], x[2], net, fnet, t_all[i], e, *dw, *w)
            r += 1
        pass_rows[p] = (p + 1, errors, *w)

    updates = pd.DataFrame(
        rows,
        columns=["pass", "sample", "x1", "x2", "net", "f(net)", "t", "error",
                 "dw0", "dw1", "dw2", "w0", "w1", "w2"],
    )
    for col in ["pass", "sample", "x1", "x2", "f(net)", "t", "error"]:
        updates[col] = updates[col].astype(int)
    summary = pd.DataFrame(pass_rows, columns=["pass", "errors", "w0", "w1", "w2"])
    summary[["pass", "errors"]] = summary[["pass", "errors"]].astype(int)
    return PerceptronRun(gate, float(eta), w_start, updates, summary.set_index("pass"))


def predictions(w: np.ndarray) -> np.ndarray:
    """f(net) for the four inputs under weights ``[w0, w1, w2]``."""
    return (X_WITH_BIAS @ np.asarray(w, dtype=float) > 0).astype(int)


def decision_line(w: np.ndarray) -> str:
    """The boundary ``w0 + w1*x1 + w2*x2 = 0`` in words, solved for x2 where possible."""
    w0, w1, w2 = (float(v) for v in w)
    if abs(w2) > 1e-12:  # "+ 0.0" turns -0.0 into 0.0 so no "-0.000" is printed
        return f"x2 = {-w1 / w2 + 0.0:+.3f}·x1 {-w0 / w2 + 0.0:+.3f}"
    if abs(w1) > 1e-12:
        return f"x1 = {-w0 / w1 + 0.0:+.3f}"
    return i18n.t("perceptron.no_line")


# --- The sigmoid neuron table (lecture 000, first worked example) -----------------------------
LECTURE_W = (-0.16, 0.44)  # w1, w2
LECTURE_B = -0.99
LECTURE_TARGETS = (0, 1, 1, 1)  # the table's T column (it is OR)
# What the slide prints, for comparison with the true values.
LECTURE_PRINTED_Y = (0.27, 0.36, 0.24, 0.33)
LECTURE_PRINTED_ERROR = (0.27, -0.64, -0.76, -0.67)
LECTURE_PRINTED_STEP = (-0.28, -0.29, -0.38)  # the "gradient direction" it subtracts
LECTURE_PRINTED_NEW_W = (0.12, 0.73, -0.61)  # w1, w2, b after the step


def sigmoid_table(w1: float = LECTURE_W[0], w2: float = LECTURE_W[1], b: float = LECTURE_B,
                  targets=LECTURE_TARGETS) -> pd.DataFrame:
    """The lecture's table: sum (net), Y = sigmoid(net), T and error = Y - T per input."""
    t = np.asarray(targets, dtype=float)
    net = INPUTS @ np.array([w1, w2], dtype=float) + b
    y = sigmoid(net)
    return pd.DataFrame({"x1": INPUTS[:, 0].astype(int), "x2": INPUTS[:, 1].astype(int),
                         "net": net, "Y": y, "T": t.astype(int), "error": y - t})


def sigmoid_gradient(w1: float = LECTURE_W[0], w2: float = LECTURE_W[1], b: float = LECTURE_B,
                     targets=LECTURE_TARGETS) -> np.ndarray:
    """Gradient of E = 1/2 * sum((Y - T)^2) with respect to (w1, w2, b).

    This is the vector the lecture subtracts (``W = W - lambda * gradient`` with lambda = 1):
    dE/dw = sum((Y - T) * Y * (1 - Y) * x).
    """
    tab = sigmoid_table(w1, w2, b, targets)
    delta = (tab["error"] * tab["Y"] * (1 - tab["Y"])).to_numpy()
    return np.array([delta @ INPUTS[:, 0], delta @ INPUTS[:, 1], delta.sum()])


def sigmoid_gradient_step(w1: float = LECTURE_W[0], w2: float = LECTURE_W[1],
                          b: float = LECTURE_B, targets=LECTURE_TARGETS,
                          lr: float = 1.0) -> np.ndarray:
    """New (w1, w2, b) after one gradient step of size ``lr`` (the lecture uses 1)."""
    return np.array([w1, w2, b], dtype=float) - lr * sigmoid_gradient(w1, w2, b, targets)


def lecture_comparison() -> pd.DataFrame:
    """Each number the slide prints beside the true value (default weights only)."""
    tab = sigmoid_table()
    grad = sigmoid_gradient()
    new_w = sigmoid_gradient_step()
    names = ([i18n.t("perceptron.cmp.y", x=f"{x1}{x2}") for x1, x2 in LECTURE_ROWS]
             + [i18n.t("perceptron.cmp.error", x=f"{x1}{x2}") for x1, x2 in LECTURE_ROWS]
             + [i18n.t(f"perceptron.cmp.{k}") for k in ("grad_w1", "grad_w2", "grad_b", "new_w1",
                                                    "new_w2", "new_b")])
    printed = [*LECTURE_PRINTED_Y, *LECTURE_PRINTED_ERROR, *LECTURE_PRINTED_STEP,
               *LECTURE_PRINTED_NEW_W]
    true = [*tab["Y"], *tab["error"], *grad, *new_w]
    out = pd.DataFrame({"quantity": names, "lecture prints": printed, "true value": true})
    out["differs at 2 decimals"] = (np.round(out["true value"], 2) != out["lecture prints"])
    return out


LECTURE_ROWS = [(0, 0), (0, 1), (1, 0), (1, 1)]
