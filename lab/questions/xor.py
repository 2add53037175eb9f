"""Questions on the XOR page, on the network the player has reached: a hidden unit's output,
the input the network gets most wrong, and the parameter count of the 2-H-1 network."""

from __future__ import annotations

import numpy as np

from lab.data.truth_tables import INPUTS
from lab.networks import mlp
from lab.questions.question import Question

INPUT_NAMES = tuple(f"({a}, {b})" for a, b in INPUTS.astype(int))


def params(s: dict, state: dict) -> mlp.MLP:
    """The player's weights, or the start the settings give (before any step)."""
    run = state.get("xor")
    if run is not None:
        return run.params
    if s["xor_start"] == "lecture":
        return mlp.lecture_preset()
    return mlp.init_params(int(s["xor_h"]), int(s["xor_seed"]))


def hidden_unit(s: dict, state: dict) -> Question:
    """h1 = sigmoid(x w1[:, 0] + b1[0]) for the input (1, 0)."""
    p = params(s, state)
    row = 2  # (1, 0)
    f = mlp.forward(p)
    z, h = float(f.z1[row, 0]), float(f.h[row, 0])
    return Question("xor.hidden_unit", "numeric", h,
                    dict(x=INPUT_NAMES[row], w=f"{p.w1[0, 0]:.3f}", b=f"{p.b1[0]:.3f}",
                         z=f"{z:.3f}"),
                    tolerance=0.005, digits=3)


def most_wrong(s: dict, state: dict) -> Question:
    """The input whose output is farthest from its target, at the weights reached."""
    y = mlp.forward(params(s, state)).y.ravel()
    gap = np.abs(y - mlp.XOR_T.ravel())
    worst = int(np.argmax(gap))
    return Question("xor.most_wrong", "choice", INPUT_NAMES[worst],
                    dict(outputs=", ".join(f"{n}: {v:.3f}" for n, v in zip(INPUT_NAMES, y)),
                         gap=f"{gap[worst]:.3f}"),
                    options=INPUT_NAMES)


def parameters(s: dict, state: dict) -> Question:
    """Every weight and bias of the network: 2H + H into the hidden layer, H + 1 out."""
    p = params(s, state)
    count = sum(v.size for v in p.as_dict().values())
    return Question("xor.parameters", "numeric", float(count), dict(h=p.hidden))


QUESTIONS = (hidden_unit, most_wrong, parameters)
