"""The table of recurrent layer kinds: one place for their names, gate counts, parameter counts
and Keras classes (lectures 002 and 004 compare them by exactly these numbers).

    SimpleRNN  1 block    n(d + n + 1)
    LSTM       4 gates    4n(d + n + 1)        gate order i, f, c, o
    GRU        3 gates    3n(d + n + 2)        Keras 3's reset_after=True: two bias rows
"""

from __future__ import annotations

from lab.core.errors import InvalidInput

KINDS = ("SimpleRNN", "LSTM", "GRU")
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}  # blocks of n columns in kernel and recurrent_kernel


class UnknownKind(InvalidInput):
    """A layer kind that is not in KINDS."""

    def __init__(self, kind: str):
        super().__init__("error.unknown_kind", kind=kind, kinds=", ".join(KINDS))


def gates(kind: str) -> int:
    if kind not in GATES:
        raise UnknownKind(kind)
    return GATES[kind]


def param_count(kind: str, d: int, n: int, reset_after: bool = True) -> int:
    """Weights of one recurrent layer with d inputs and n units, as Keras counts them. A GRU
    with ``reset_after=False`` (lecture 002's equation, r applied to h before W_hg) has one
    bias row, not two."""
    if kind == "GRU":
        return 3 * n * (d + n + (2 if reset_after else 1))
    return gates(kind) * n * (d + n + 1)


# Lecture 002's GRU(256) on its 2 features (3MA_new, 5MA_new): the parameters its summary prints
LECTURE_GRU = dict(d=2, units=256, printed=199_680)


def gru_note_fields() -> dict:
    """The numbers of the GRU candidate note: the lecture's printed count, Keras's default
    (reset_after=True) and its own equation's (reset_after=False)."""
    d, n = LECTURE_GRU["d"], LECTURE_GRU["units"]
    return dict(LECTURE_GRU, keras=param_count("GRU", d, n),
                equation=param_count("GRU", d, n, reset_after=False))


def keras_layer(kind: str):
    """The Keras layer class for ``kind`` (imports Keras)."""
    import keras

    gates(kind)
    return getattr(keras.layers, kind)
