"""What a training costs, estimated from its settings and the data's size, and the student
budget: in a room, a student's training beyond ``STUDENT_MACS`` needs the lecturer (alone, on a
laptop of one's own, nothing is bounded; ``ui.training`` decides who is bounded).

The cost is the multiply-adds of training: a recurrent layer does ``gates * units * (inputs +
units + 1)`` of them per sample and time step forward, and backward about twice that (so
three times the forward count), over every window or review of the training part and every
epoch asked for (early stopping may end sooner; the bound is on what may run). Embedding
look-ups, the dense head and Adam's steps are small beside the recurrence and left out.

Calibrated on the pages' defaults and the lectures' presets (``tests/test_queue.py`` checks
the stock ones): the stock page's default (GRU(16), 30 epochs on 1,498 windows of 7 days of
GOOG: 1.0 G) and lecture 000's LSTM(16) x 100 epochs (4.4 G); the IMDB page's default (LSTM(32)
x 8 epochs on 5,000 reviews of 100 words: 0.10 T); every experiment at the page's default
epochs (20 at most: lecture 003's three models 0.15 T, lecture 000's Embedding(128) +
LSTM(128) x 3 epochs 0.47 T, the most); the memory experiment's
defaults (1.7 G): all within. Lecture 002's LSTM(128) x 100 epochs on 5,099 windows of 40 days
(4.1 T) and its GRU(256) (12 T) are beyond, and so is GRU(256) x 100 epochs on a 100,000-row
upload.
"""

from __future__ import annotations

from typing import Iterable

from lab.maths import kinds

STUDENT_MACS = 1.5e12  # forward multiply-adds a student trains alone (in seconds: times
# lab.models.stock_model.SECONDS_PER_MAC)
BACKWARD = 3  # forward + backward, in forward multiply-adds


def recurrent(kind: str, samples: int, steps: int, inputs: int, units: int,
              epochs: int) -> float:
    """Training multiply-adds of one recurrent layer."""
    return (BACKWARD * float(epochs) * samples * steps * kinds.gates(kind) * units
            * (inputs + units + 1))


def stock(windows: int, steps: int, features: int, kind: str, units: int, epochs: int) -> float:
    """The stock forecaster on ``windows`` training windows of ``steps`` days."""
    return recurrent(kind, windows, steps, features, units, epochs)


def imdb(reviews: int, maxlen: int, embedding: int, kind: str, units: int,
         epochs: int) -> float:
    """The IMDB classifier (Embedding + one recurrent layer) on ``reviews`` training reviews."""
    return recurrent(kind, reviews, maxlen, embedding, units, epochs)


def stacked(layers: Iterable[tuple[str, int]], reviews: int, maxlen: int, inputs: int,
            epochs: int) -> float:
    """Recurrent layers (kind, units) stacked on inputs ``inputs`` wide (an embedding's width,
    or the vocabulary for one-hot); a model with none costs its dense head, counted as a
    layer of one unit per input step."""
    total, width = 0.0, inputs
    for kind, units in layers:
        total += recurrent(kind, reviews, maxlen, width, units, epochs)
        width = units
    return total or BACKWARD * float(epochs) * reviews * maxlen * inputs


def memory(lengths: Iterable[int], samples: int, units: int, epochs: int) -> float:
    """The memory experiment: SimpleRNN, LSTM and GRU on one-feature sequences of each
    length."""
    return sum(recurrent(kind, samples, length, 1, units, epochs)
               for length in lengths for kind in kinds.KINDS)


def within(cost: float) -> bool:
    return cost <= STUDENT_MACS
