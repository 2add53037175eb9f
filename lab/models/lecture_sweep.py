"""Lecture 002's threshold sweep as its code runs it, beside the true one, on a model's test
probabilities.

The lecture steps the threshold from 0.4 while it is below 0.801, by 0.001 (its
``range_with_floats``, so the steps accumulate float error), keeps ``round(miss rate, 4)`` per
``round(threshold, 3)``, and reports the first threshold with the lowest rounded rate. Two slips
(lab/lectures/errata.toml: e002_confusion_order, e002_last_threshold): it calls
``confusion_matrix(mylist, y_test)``, predictions first, so the rows are the predictions; and
the table it prints is the one left by the loop's last threshold, not the best one's. The true
table here is the best threshold's, with the true classes as rows (scikit-learn's order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START, STOP, STEP = 0.4, 0.801, 0.001  # range_with_floats(0.4, 0.801, 0.001)

# What the lecture prints for its GloVe model on the 25,000 test reviews.
PRINTED_TABLE = np.array([[8397, 3768], [4103, 8732]])
PRINTED_TABLE.flags.writeable = False
PRINTED_LOWEST, PRINTED_AT = 0.3143, 0.769


def lecture_thresholds() -> list[float]:
    """The thresholds the lecture's loop visits, float error included."""
    out, start = [], START
    while STOP > start:
        out.append(start)
        start += STEP
    return out


def miss_rate(table) -> float:
    """Off-diagonal share of a 2x2 table (the same in either orientation)."""
    table = np.asarray(table)
    return float((table[0, 1] + table[1, 0]) / table.sum())


@dataclass(frozen=True)
class Sweep:
    last_threshold: float  # the loop's last, whose table the lecture prints
    last_table: np.ndarray  # confusion_matrix(predicted, true): rows are the predictions
    lowest: float  # the lowest miss rate, rounded to 4 decimals as the lecture keeps it
    lowest_at: float  # the first threshold (rounded to 3) with it
    true_table: np.ndarray  # the best threshold's table, rows the true classes

    def rows(self) -> list[tuple]:
        """(what, the lecture's printout, this run's by the lecture's code, the true value)
        for ``lab.lessons.errata.printed_table``."""
        return [
            ("sweep_table", PRINTED_TABLE, self.last_table, self.true_table),
            ("sweep_table_threshold", round(lecture_thresholds()[-1], 3),
             round(self.last_threshold, 3), self.lowest_at),
            ("sweep_table_rate", miss_rate(PRINTED_TABLE), miss_rate(self.last_table),
             miss_rate(self.true_table)),
            ("sweep_lowest", PRINTED_LOWEST, self.lowest, miss_rate(self.true_table)),
            ("sweep_at", PRINTED_AT, self.lowest_at, self.lowest_at)]


def tables(y: np.ndarray, p: np.ndarray, thresholds) -> np.ndarray:
    """(thresholds, 2, 2) tables as the lecture builds them, ``confusion_matrix(predicted,
    true)``: [predicted, true] counts, all thresholds at once."""
    pred = np.asarray(p, dtype=float)[None, :] >= np.asarray(thresholds)[:, None]
    truth = np.asarray(y).astype(bool)[None, :]
    return np.stack([np.stack([(~pred & ~truth).sum(1), (~pred & truth).sum(1)], 1),
                     np.stack([(pred & ~truth).sum(1), (pred & truth).sum(1)], 1)], 1)


def sweep(y: np.ndarray, p: np.ndarray) -> Sweep:
    """The lecture's loop on true labels ``y`` and probabilities ``p`` of class 1."""
    thresholds = lecture_thresholds()
    found = tables(y, p, thresholds)
    res = {round(t, 3): round(miss_rate(m), 4) for t, m in zip(thresholds, found)}
    at = min(res, key=res.get)  # the first (lowest) threshold with the lowest rounded rate
    best = found[list(res).index(at)]
    return Sweep(thresholds[-1], found[-1], min(res.values()), at, best.T)  # .T: rows true
