"""The IMDB classifier on a page (the IMDB page's, the text page's default): the trained model,
or its shared training, started if none runs and drawn while it runs (``ui.training``)."""

from __future__ import annotations

from lab.figures.imdb import Classifier, training_figure
from ui.training import result_or_progress


def trained_or_training(c: Classifier, key: str, cost: float = 0.0):
    """``c``'s trained model, or None while it trains (its progress drawn under ``key``);
    ``cost``: what a retry after a cancel must be within (``ui.training.within_budget``)."""
    return result_or_progress(
        c.found if c.found is not None else c.request(), c.name,
        lambda history: training_figure(history, c.settings.epochs), key=key,
        retry=lambda: c.request(restart=True), cost=cost)
