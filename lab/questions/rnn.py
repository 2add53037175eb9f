"""Questions on the unrolled-RNN page: lecture 004's w^n, whether the gradient reaching step 1
vanishes or explodes, the step where it falls below 1 % (clicked on its curve), and the sine
forecaster's parameter count (SimpleRNN + Dense(1))."""

from __future__ import annotations

import numpy as np

from lab.networks import rnn
from lab.questions.question import Question, clamp

SMALL, LARGE = 1e-2, 1e2  # the gradient at step 1 over the one at step T: vanished, exploded
RELATIVE = 0.01  # w^n within 1 %
STEPS = 1  # a clicked time step within one step of the true one is right
FLOOR = 1e-300  # a gradient that underflowed to 0, drawn at the log axis's bottom


def power(s: dict, state: dict) -> Question:
    """w^n with n = T - 1, the factor lecture 004 multiplies back through T steps."""
    T = int(s["g_T"])
    value = float(rnn.scalar_power(float(s["g_radius"]), T - 1)[-1])
    return Question("rnn.power", "numeric", value, dict(w=s["g_radius"], n=T - 1),
                    tolerance=RELATIVE * value, digits=None)


def flow(s: dict, state: dict) -> Question:
    """Whether ||dL/dH_1|| / ||dL/dH_T|| falls below 1/100 (vanishes), passes 100 (explodes),
    or stays between, in the page's network."""
    T = int(s["g_T"])
    k = clamp(s["g_k"], 1, T)
    f = rnn.gradient_flow(T, float(s["g_radius"]), s["g_act"], k=None if k >= T else k)
    last = float(f.dh_norm[-1])
    ratio = float(f.dh_norm[0]) / last if last else float("inf")
    answer = ("explodes" if f.overflow or not ratio < LARGE else "vanishes" if ratio < SMALL
              else "neither")
    return Question("rnn.flow", "choice", answer,
                    dict(T=T, w=s["g_radius"], act=s["g_act"], ratio=f"{ratio:.3g}"),
                    options=("vanishes", "neither", "explodes"), worded=True)


def vanishing_step(s: dict, state: dict) -> Question | None:
    """Walking back from step T, the first step t whose ||dL/dH_t|| is below 1/100 of
    ||dL/dH_T|| (the latest such t), in the page's network. Left out when the gradient never
    falls that low, or overflows. (The norms follow dL/dH_t all the way back, whatever the
    truncation.)"""
    T = int(s["g_T"])
    f = rnn.gradient_flow(T, float(s["g_radius"]), s["g_act"])
    if f.overflow or T < 2 or not f.dh_norm[-1]:
        return None
    ratio = f.dh_norm / f.dh_norm[-1]
    below = np.flatnonzero(ratio < SMALL)
    if not below.size:
        return None
    t = int(below[-1]) + 1
    steps = list(range(1, T + 1))
    plot = dict(x=steps, y=[max(float(r), FLOOR) for r in ratio],
                labels=[f"t = {i}" for i in steps], connect=True, log_y=True, level=SMALL,
                x_title="questions.axis.step", y_title="questions.axis.gradient")
    return Question("rnn.vanishing_step", "point", t,
                    dict(T=T, w=s["g_radius"], act=s["g_act"], t=t,
                         ratio=f"{ratio[t - 1]:.3g}", after=f"{ratio[t]:.3g}", next=t + 1),
                    tolerance=STEPS, options=tuple(steps), plot=plot)


def parameters(s: dict, state: dict) -> Question:
    """The sine demo's SimpleRNN(n) on 1 feature, with its Dense(1): n + n^2 + n + n + 1."""
    n = int(s["s_units"])
    return Question("rnn.parameters", "numeric", float(rnn.count_params(1, n, 1)), dict(n=n))


QUESTIONS = (power, flow, vanishing_step, parameters)
