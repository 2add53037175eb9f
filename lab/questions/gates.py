"""Questions on the gate inspector, on the toy sequence with the page's cell, seed and bias
shifts: a gate's value at the step and unit chosen, which gate is closing there, the step
where the unit's keep gate is highest (clicked on its curve), the cell (step, unit) where the
hidden state is farthest from 0 (clicked on its grid), and the layer's parameter count (with
the lecture's printed GRU count where it differs)."""

from __future__ import annotations

import numpy as np

from lab.data import sequences as sq
from lab.maths import kinds
from lab.networks import cells
from lab.questions.counts import worked
from lab.questions.question import Question, clamp

TOY_UNITS = 4  # the page's toy cell
KEEP_GATE = {"LSTM": "f", "GRU": "z", "SimpleRNN": "h"}  # what keeps the memory (h: none)
SAME = 0.005  # gate values this close are one on the figure: either step counts


def _trace(s: dict):
    """(trace, step, unit, cell, input) of the toy input, or None if the typed numbers cannot
    be read."""
    try:
        values = sq.parse_numbers(s["gi_toy"])[-sq.MAX_STEPS:]
    except ValueError:
        return None
    cell = cells.init_cell(s["gi_kind"], 1, TOY_UNITS, seed=int(s["gi_seed"]))
    trace = cells.run(cell, values.reshape(1, -1, 1), forget_bias_shift=float(s["gi_f"]),
                      input_bias_shift=float(s["gi_i"]))
    return (trace, clamp(s["gi_t"], 1, len(values)), clamp(s["gi_unit"], 0, TOY_UNITS - 1),
            cell, values)


def gate_value(s: dict, state: dict) -> Question | None:
    """The keep gate (LSTM f, GRU z) at step t of unit u, sigmoid of its pre-activation; for
    SimpleRNN, which has no gate, its hidden state h = tanh(x W + h_prev U + b)."""
    found = _trace(s)
    if found is None:
        return None
    trace, t, u, cell, x = found
    gate = KEEP_GATE[s["gi_kind"]]
    value = float(trace.values[gate][0, t - 1, u])
    if gate in trace.pre:
        pre = float(trace.pre[gate][0, t - 1, u])
    else:  # SimpleRNN: the step's sum before tanh, from the cell's weights
        before = trace.h[0, t - 2] if t > 1 else np.zeros(cell.units)
        pre = float(x[t - 1] * cell.kernel[0, u] + before @ cell.recurrent_kernel[:, u]
                    + cell.bias[u])
    return Question("gates.gate_value", "numeric", value,
                    dict(kind=s["gi_kind"], gate=gate, t=t, unit=u, pre=f"{pre:.3f}"),
                    tolerance=0.005, digits=3,
                    explain="explain" if gate in trace.pre else "explain_simple")


def closing(s: dict, state: dict) -> Question | None:
    """Of the cell's sigmoid gates, the one nearest 0 (most closed) at step t of unit u."""
    found = _trace(s)
    if found is None or s["gi_kind"] == "SimpleRNN":
        return None
    trace, t, u, *_ = found
    gates = ("i", "f", "o") if s["gi_kind"] == "LSTM" else ("z", "r")
    values = {g: float(trace.values[g][0, t - 1, u]) for g in gates}
    return Question("gates.closing", "choice", min(values, key=values.get),
                    dict(kind=s["gi_kind"], t=t, unit=u,
                         values=", ".join(f"{g} = {v:.3f}" for g, v in values.items())),
                    options=gates)


def highest_keep(s: dict, state: dict) -> Question | None:
    """The step where unit u's keep gate (LSTM f, GRU z) is highest: where the cell keeps most
    of its memory. A step within :data:`SAME` of the highest counts too. Left out for
    SimpleRNN (no gate) and a one-step input."""
    found = _trace(s)
    if found is None or s["gi_kind"] == "SimpleRNN":
        return None
    trace, _, u, *_ = found
    gate = KEEP_GATE[s["gi_kind"]]
    keep = [float(v) for v in trace.values[gate][0, :, u]]
    if len(keep) < 2:
        return None
    t = max(range(len(keep)), key=keep.__getitem__) + 1
    steps = list(range(1, len(keep) + 1))
    also = tuple(i for i in steps if i != t and keep[t - 1] - keep[i - 1] <= SAME)
    plot = dict(x=steps, y=keep, labels=[f"t = {i}" for i in steps], connect=True,
                x_title="questions.axis.step", y_title="questions.axis.keep_gate")
    return Question("gates.highest_keep", "point", t,
                    dict(kind=s["gi_kind"], gate=gate, unit=u, t=t, value=f"{keep[t - 1]:.3f}",
                         low=f"{min(keep):.3f}", also=", ".join(str(i) for i in also)),
                    options=tuple(steps), plot=plot, also=also,
                    explain="explain_ties" if also else "explain")


def largest_state(s: dict, state: dict) -> Question | None:
    """The cell (time step t, unit u) where the hidden state h is farthest from 0; a cell
    within :data:`SAME` of it counts too. A cell's id is (t - 1) * units + u."""
    found = _trace(s)
    if found is None:
        return None
    h = found[0].values["h"][0]  # (steps, units)
    units = h.shape[1]
    size = np.abs(h).ravel()
    best = int(np.argmax(size))
    also = tuple(int(i) for i in np.flatnonzero(size[best] - size <= SAME) if i != best)
    cells_at = [(i // units + 1, i % units) for i in range(size.size)]
    plot = dict(x=[t for t, _ in cells_at], y=[u for _, u in cells_at],
                labels=[f"(t = {t}, u = {u})" for t, u in cells_at],
                values=[float(v) for v in h.ravel()], cells=True,
                x_title="questions.axis.step", y_title="questions.axis.unit")
    t, u = cells_at[best]
    return Question("gates.largest_state", "point", best,
                    dict(kind=s["gi_kind"], t=t, unit=u, value=f"{h[t - 1, u]:.3f}",
                         also=", ".join(plot["labels"][i] for i in also)),
                    options=tuple(range(size.size)), plot=plot, also=also,
                    explain="explain_ties" if also else "explain")


def parameters(s: dict, state: dict) -> Question:
    """The page's layer (SimpleRNN, LSTM or GRU) with n units on d features, as Keras counts."""
    kind, d, n = s["gi_kind"], int(s["gp_d"]), int(s["gp_n"])
    count = kinds.param_count(kind, d, n)
    g = kinds.LECTURE_GRU
    lecture = (g["printed"] if (kind, d, n) == ("GRU", g["d"], g["units"])
               and g["printed"] != count else None)
    return Question("gates.parameters", "numeric", float(count),
                    dict(kind=kind, d=d, n=n, worked=worked(kind, d, n)), lecture=lecture,
                    explain=f"explain_{kind}")


QUESTIONS = (gate_value, closing, highest_keep, largest_state, parameters)
