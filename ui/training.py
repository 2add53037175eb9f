"""Training a Keras model on a page: a status box with a progress bar and the curves drawn
after every epoch, and the bounded in-memory store of trained models the Keras pages share."""

from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from ui.charts import chart


def live_training(label: str, epochs: int, progress: Callable[[int, dict], str],
                  figure: Callable[[dict], go.Figure], key: str):
    """(status box, ``on_epoch(epoch, logs)`` for the lab's trainers). After each epoch the
    bar shows ``progress(epoch + 1, logs)`` and the box redraws ``figure(history so far)``."""
    status = st.status(label, expanded=True)
    bar, curve = status.progress(0.0), status.empty()
    history: dict[str, list[float]] = {}

    def on_epoch(epoch: int, logs: dict) -> None:
        for k, v in logs.items():
            history.setdefault(k, []).append(float(v))
        bar.progress((epoch + 1) / epochs, progress(epoch + 1, logs))
        chart(figure(history), key=f"{key}_{epoch}", where=curve)

    return status, on_epoch


def remember(store: dict, key: str, value, limit: int) -> None:
    """Keep ``value`` under ``key``, dropping the oldest entries beyond ``limit``."""
    while len(store) >= limit:
        store.pop(next(iter(store)))
    store[key] = value
