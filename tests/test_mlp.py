"""The NumPy 2-H-1 XOR network: lecture preset, back-propagation, training, odd settings."""

import numpy as np
import pytest

from lab.networks import mlp
from tests.gradcheck import numeric_gradient


def test_lecture_weights_reproduce_its_outputs():
    # lecture 000: h = Sigmoid(x @ w1 + b1); y = Sigmoid(h @ w2), no output bias
    x = mlp.XOR_X
    h = 1 / (1 + np.exp(-(x @ mlp.LECTURE_W1 + mlp.LECTURE_B1)))
    expected = 1 / (1 + np.exp(-(h @ mlp.LECTURE_W2)))
    y = mlp.forward(mlp.lecture_preset()).y
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_allclose(y.ravel(), [0.0677, 0.9493, 0.9698, 0.0543], atol=5e-5)
    assert ((y > 0.5) == (mlp.XOR_T > 0.5)).all()


@pytest.mark.parametrize("hidden", [1, 2, 3, 8])
def test_backprop_matches_finite_differences(hidden):
    p = mlp.init_params(hidden, seed=hidden)
    p.b1 += 0.3
    p.b2 += -0.2
    grads = mlp.gradients(p)
    for name, value in p.as_dict().items():
        numeric = numeric_gradient(lambda: mlp.bce(mlp.forward(p).y), value)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_train_takes_the_same_steps_as_gradients():
    p, q = mlp.init_params(3, 1), mlp.init_params(3, 1)
    losses = mlp.train(p, 0.7, 3)
    for k in range(3):
        assert losses[k] == pytest.approx(mlp.bce(mlp.forward(q).y), rel=1e-9)
        g = mlp.gradients(q)
        for name, value in q.as_dict().items():
            value -= 0.7 * g[name]
    for name in ("w1", "b1", "w2", "b2"):
        np.testing.assert_allclose(getattr(p, name), getattr(q, name), rtol=1e-12)


def test_default_settings_converge():
    p = mlp.init_params(3, seed=0)
    steps, losses = mlp.train_until_converged(p, lr=0.5)
    assert mlp.is_converged(p)
    assert steps <= 2000 and mlp.bce(mlp.forward(p).y) < mlp.CONVERGED_LOSS
    assert np.all(np.diff(losses[::100]) < 0), "the loss falls steadily"


def test_the_lectures_learning_rate_converges_too():
    p = mlp.init_params(3, seed=0)
    steps, _ = mlp.train_until_converged(p, lr=0.1, max_steps=20_000)
    assert mlp.is_converged(p) and steps <= 10_000  # the lecture's 10,000 epochs suffice


def test_one_hidden_unit_cannot_solve_xor():
    p = mlp.init_params(1, seed=0)
    mlp.train(p, 1.0, 5000)
    y = mlp.forward(p).y
    assert ((y > 0.5) == (mlp.XOR_T > 0.5)).sum() < 4


def test_initialisation_is_seeded_glorot():
    a, b = mlp.init_params(4, 7), mlp.init_params(4, 7)
    np.testing.assert_array_equal(a.w1, b.w1)
    assert np.abs(a.w1).max() <= np.sqrt(6 / 6) and np.abs(a.w2).max() <= np.sqrt(6 / 5)
    assert not a.b1.any() and not a.b2.any()
    with pytest.raises(ValueError):
        mlp.init_params(0)
    with pytest.raises(ValueError):
        mlp.init_params(9)


def test_huge_learning_rates_stay_finite_and_nan_is_refused():
    p = mlp.init_params(3, 0)
    losses = mlp.train(p, 1e6, 200)
    assert p.is_finite() and np.isfinite(losses).all()
    with pytest.raises(ValueError):
        mlp.train(p, float("nan"), 1)


def test_overflowing_weights_stop_training_at_the_last_finite_step():
    p = mlp.init_params(3, 0)
    p.w2[:] = 1e308  # the next update overflows
    before = p.copy()
    losses = mlp.train(p, 1e10, 5)
    assert len(losses) < 5 and p.is_finite()
    np.testing.assert_array_equal(p.w2, before.w2)


def test_hidden_lines_and_grid():
    p = mlp.lecture_preset()
    assert mlp.hidden_lines(p)[0] == (-2.0, 3.0, 2.0)
    xs, ys, z = mlp.output_grid(p, n=5)
    assert z.shape == (5, 5) and xs[0] == -0.5 and xs[-1] == 1.5
    assert z[0, 0] == pytest.approx(float(mlp.forward(p, np.array([[-0.5, -0.5]])).y[0, 0]))


# --- Trajectories played in the browser -----------------------------------------------------------
def test_a_trajectory_records_the_same_training_frame_by_frame():
    p = mlp.init_params(3, 0)
    before = p.copy()
    traj = mlp.trajectory(p, 0.5, 50, 10)
    assert all(np.array_equal(a, b) for a, b in zip(p.as_dict().values(),
                                                    before.as_dict().values())), "p is kept"
    assert traj.steps == [50 * (i + 1) for i in range(10)] and len(traj.losses) == 500
    q = before.copy()
    losses = mlp.train(q, 0.5, 150)
    assert np.array_equal(traj.frames[2].w1, q.w1) and np.array_equal(traj.losses[:150], losses)
    assert not traj.diverged


def test_a_trajectory_stops_where_training_stops():
    done = mlp.trajectory(mlp.init_params(3, 0), 0.5, 50, 1000)  # converges at about 1,100
    assert mlp.is_converged(done.frames[-1]) and not mlp.is_converged(done.frames[-2])
    assert len(done.frames) < 1000
    capped = mlp.trajectory(mlp.init_params(3, 0), 0.05, 50, 10, max_steps=120)
    assert capped.steps == [50, 100, 120]
    edge = mlp.init_params(3, 0)
    edge.w2[:] = 1e308  # the first update overflows
    wild = mlp.trajectory(edge, 1e10, 50, 10)
    assert wild.diverged and len(wild.frames) == 1 and wild.frames[0].is_finite()
    assert wild.steps[0] < 50
    assert mlp.trajectory(done.frames[-1], 0.5, 50, 10).frames == [], "nothing left to play"
