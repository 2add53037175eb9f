"""Decision-threshold tuning for a binary classifier's probabilities (lecture 002's sweep).

Everything here takes the test labels and the model's probabilities, computed once; moving
the threshold never re-predicts. Metrics come from scikit-learn, imported where they are
asked for (``_metrics``: the pages that never show a classifier, the stock page's first run
among them, do not pay its import); the misclassification and cost sweeps are vectorised over
all thresholds at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LECTURE_WINDOW = (0.4, 0.8)  # lecture 002 sweeps thresholds from 0.4 to 0.8


def _metrics():
    from sklearn import metrics
    return metrics


@dataclass(frozen=True)
class AtThreshold:
    threshold: float
    tn: int
    fp: int
    fn: int
    tp: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    misclassification: float


def at_threshold(y: np.ndarray, p: np.ndarray, threshold: float) -> AtThreshold:
    """Predict positive where p >= threshold. No division by zero: an empty class scores 0."""
    y = np.asarray(y).astype(int)
    pred = (np.asarray(p) >= threshold).astype(int)
    metrics = _metrics()
    tn, fp, fn, tp = metrics.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(
        y, pred, average="binary", zero_division=0)
    acc = metrics.accuracy_score(y, pred)
    return AtThreshold(float(threshold), int(tn), int(fp), int(fn), int(tp), float(acc),
                       float(precision), float(recall), float(f1), 1.0 - float(acc))


def sweep(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray | None = None,
          cost_fp: float = 1.0, cost_fn: float = 1.0):
    """(thresholds, misclassification rate, cost) for every threshold, vectorised."""
    t = np.linspace(0, 1, 201) if thresholds is None else np.asarray(thresholds, dtype=float)
    y = np.asarray(y).astype(bool)
    pred = np.asarray(p)[None, :] >= t[:, None]  # (thresholds, samples)
    fp = (pred & ~y).sum(1)
    fn = (~pred & y).sum(1)
    return t, (fp + fn) / len(y), cost_fp * fp + cost_fn * fn


def best(t: np.ndarray, values: np.ndarray, window: tuple[float, float] | None = None) -> float:
    """The threshold with the lowest value (inside ``window`` if given); ties: the middle one."""
    mask = np.ones_like(t, dtype=bool) if window is None else (t >= window[0]) & (t <= window[1])
    idx = np.flatnonzero(mask)
    lowest = idx[values[idx] == values[idx].min()]
    return float(t[lowest[len(lowest) // 2]])


def curves(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    metrics = _metrics()
    fpr, tpr, roc_t = metrics.roc_curve(y, p)
    prec, rec, pr_t = metrics.precision_recall_curve(y, p)
    return {"fpr": fpr, "tpr": tpr, "roc_t": roc_t, "precision": prec, "recall": rec,
            "pr_t": pr_t, "auc": float(metrics.roc_auc_score(y, p)) if len(set(y)) > 1 else np.nan}
