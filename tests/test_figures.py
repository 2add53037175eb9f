"""Figures build for every setting the pages allow, and the geometry helpers are right."""

import numpy as np
import pytest

from lab.networks import mlp, perceptron as pc
from lab.maths.geometry import level_curve, line_through_plane
from lab.figures.perceptron import decision_figure, history_figure
from lab.figures.xor import boundary_figure, hidden_projection, hidden_space_figure, loss_figure


def test_level_curve_finds_a_circle():
    xs = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, xs)
    x, y = level_curve(xs, xs, gx ** 2 + gy ** 2, 0.25)
    finite = np.isfinite(x)
    np.testing.assert_allclose(np.hypot(x[finite], y[finite]), 0.5, atol=2e-3)
    assert finite.sum() > 50


def test_level_curve_handles_saddles_and_no_crossing():
    xs = np.linspace(-1, 1, 21)
    gx, gy = np.meshgrid(xs, xs)
    x, y = level_curve(xs, xs, gx * gy, 0.0)
    f = np.isfinite(x)
    np.testing.assert_allclose(np.minimum(np.abs(x[f]), np.abs(y[f])), 0, atol=1e-12)
    x, y = level_curve(xs, xs, np.ones((21, 21)), 0.5)
    assert len(x) == 0


def test_line_through_plane():
    (a, b) = line_through_plane(1, 1, -1)  # x1 + x2 = 1
    assert a[0] + a[1] == pytest.approx(1) and b[0] + b[1] == pytest.approx(1)
    assert line_through_plane(0, 0, 1) is None
    assert line_through_plane(1, 0, -10) is None  # x1 = 10 is outside the square


@pytest.mark.parametrize("gate", list(pc.GATES))
def test_perceptron_figures(gate):
    run = pc.train(gate, 0.1, 10)
    for cursor in (0, 1, 17, len(run.updates)):
        w = run.w_init if cursor == 0 else run.updates.iloc[cursor - 1][["w0", "w1", "w2"]]
        decision_figure(np.asarray(w, float), pc.GATES[gate], cursor % 4 if cursor else None)
        fig = history_figure(run, cursor)
        assert len(fig.data[0].x) == cursor + 1


@pytest.mark.parametrize("hidden", range(1, 9))
def test_xor_figures_for_every_hidden_size(hidden):
    p = mlp.init_params(hidden, 0)
    mlp.train(p, 0.5, 200)
    assert boundary_figure(p).data
    assert boundary_figure(p, heatmap=False).data
    assert hidden_space_figure(p).data
    assert hidden_space_figure(p, three_d=True).data
    assert loss_figure(np.array([])).data == ()
    assert len(loss_figure(np.linspace(1, 0.1, 10_000)).data[0].x) <= 200


def test_hidden_projection_puts_the_output_boundary_at_zero():
    p = mlp.init_params(5, 0)
    mlp.train(p, 0.5, 3000)
    pts, _, _ = hidden_projection(p)
    z2 = mlp.forward(p).z2.ravel()
    np.testing.assert_allclose(pts[:, 0], z2, rtol=1e-10)
