"""Min-max scaling to [0, 1], the lectures' ``MinMaxScaler``, and the forecast's scores (RMSE,
MAE, R-squared), computed as scikit-learn computes them.

The stock page needs these on its first run, and importing scikit-learn (and SciPy's
statistics with it) for two columns' minimum and maximum was most of that run's time
(bench/RESULTS.md). Written here in NumPy with scikit-learn's own arithmetic, in its order
(``transform``: x * scale + min; ``inverse_transform``: (x - min) / scale; a column whose range
is below 10 float epsilons is scaled by 1), so the numbers are the same to the last bit;
``tests/test_stock.py`` checks them against scikit-learn on random data. The take-home
notebooks keep scikit-learn's classes, as the lectures write them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MinMax:
    """A fitted min-max scaler; attribute names as ``sklearn.preprocessing.MinMaxScaler``'s."""

    data_min_: np.ndarray
    data_max_: np.ndarray
    scale_: np.ndarray
    min_: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> "MinMax":
        """Fitted on the columns of ``X`` (n, features); NaNs are ignored, as scikit-learn does."""
        X = np.asarray(X, float)
        data_min, data_max = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        data_range = data_max - data_min
        constant = data_range < 10 * np.finfo(data_range.dtype).eps
        scale = 1.0 / np.where(constant, 1.0, data_range)
        return cls(data_min, data_max, scale, 0.0 - data_min * scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        out = np.array(X, float)
        out *= self.scale_
        out += self.min_
        return out

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        out = np.array(X, float)
        out -= self.min_
        out /= self.scale_
        return out


def rmse(y: np.ndarray, pred: np.ndarray) -> float:
    """Root mean squared error (scikit-learn's ``mean_squared_error``, square-rooted)."""
    return float(np.sqrt(np.mean((np.asarray(y, float) - pred) ** 2)))


def mae(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean absolute error (``mean_absolute_error``)."""
    return float(np.mean(np.abs(np.asarray(y, float) - pred)))


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    """R-squared, 1 - SS_res / SS_tot (``r2_score``): 1 for a perfect forecast of a constant
    series, 0 for an imperfect one (scikit-learn's ``force_finite``)."""
    y = np.asarray(y, float)
    residual = float(np.sum((y - pred) ** 2))
    total = float(np.sum((y - np.mean(y)) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total
