"""Imported once by the fork server that starts the training children (``lab.training.store``'s
``PRELOAD``): it trains a tiny forecaster of every layer kind and activation for one epoch, so
the compiled recurrent kernel (``lab.maths.recurrent``, numba) is loaded into the fork server's
memory once. Every training child is forked from it with that machine code already there, and
its first epoch starts at once instead of loading the kernel again (seconds on a busy server,
for each of thirty students' trainings).
"""

from __future__ import annotations

import numpy as np

from lab.maths import kinds
from lab.networks import seqnet


def warm() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3, 2)), rng.normal(size=8)
    for kind in kinds.KINDS:
        for activation in seqnet.ACTIVATIONS:
            net = seqnet.init_net(kind, 2, 4, activation)
            seqnet.fit(net, X, y, epochs=1, lr=1e-3, batch_size=4, validation=(X, y))
            seqnet.predict(net, X)


try:
    warm()
except Exception:  # noqa: BLE001 - a fork server must start even so: children load it then
    pass
