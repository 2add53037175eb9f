"""A recurrent layer's parameter count as an explanation writes it: Keras's formula with the
layer's numbers in it and the count it comes to (``lab.maths.kinds`` counts), so a student can
work it again by hand: LSTM(32) on 32 inputs is ``4·32·(32 + 32 + 1) = 8,320``."""

from __future__ import annotations

from lab.maths import kinds


def worked(kind: str, d: int, n: int) -> str:
    """``<gates>·n·(d + n + <bias rows>) = <count>`` (no ``1·`` for SimpleRNN's one block; a
    GRU has two bias rows in Keras 3, ``reset_after=True``)."""
    gates = kinds.gates(kind)
    rows = 2 if kind == "GRU" else 1
    blocks = f"{gates}·" if gates > 1 else ""
    return f"{blocks}{n}·({d} + {n} + {rows}) = {kinds.param_count(kind, d, n):,}"
