"""The NumPy SimpleRNN: Keras/TF agreement, the lecture's TBPTT loop, lecture shapes, odd input."""

import numpy as np
import pytest

from lab.data import imdb, sequences as sq
from lab.networks import rnn
from tests.gradcheck import numeric_gradient


def lecture_backprop(net, x, err, k=10, transpose=True):
    """Lecture 001's RecurrentNetwork.backprop, transcribed (err = A2 - Y, divided by m).

    The lecture steps back with ``np.dot(err_to_cell, self.w1h)``. Since Z1 = H_p @ W1h, the
    step back needs W1h's transpose; ``transpose=False`` runs the lecture's line as printed.
    """
    m = len(x)
    h_list = list(rnn.forward(net, x).h)  # the lecture's self.h: [zeros, H_1, ..., H_T]
    w2_grad = np.dot(h_list[-1].T, err) / m
    b2_grad = np.sum(err) / m
    seq = np.swapaxes(x, 0, 1)
    w1h_grad = w1x_grad = b1_grad = 0
    err_to_cell = np.dot(err, net.w2.T) * (1 - h_list[-1] ** 2)
    for xt, h in zip(seq[::-1][:k], h_list[:-1][::-1][:k]):
        w1h_grad += np.dot(h.T, err_to_cell)
        w1x_grad += np.dot(xt.T, err_to_cell)
        b1_grad += np.sum(err_to_cell, axis=0)
        err_to_cell = np.dot(err_to_cell, net.w1h.T if transpose else net.w1h) * (1 - h ** 2)
    return w1h_grad / m, w1x_grad / m, b1_grad / m, w2_grad, b2_grad


@pytest.mark.parametrize("k", [1, 3, 10, None])
def test_truncated_bptt_equals_the_lectures_loop_with_the_transpose(k):
    rng = np.random.default_rng(0)
    net = rnn.init_rnn(5, 4, seed=1)
    x, y = rng.normal(size=(6, 12, 5)), rng.integers(0, 2, (6, 1)).astype(float)
    trace = rnn.forward(net, x)
    ours = rnn.bptt(net, trace, y, k)
    w1h, w1x, b1, w2, b2 = lecture_backprop(net, x, trace.a2 - y, k=k or 12)
    np.testing.assert_allclose(ours.w1h, w1h, atol=1e-12)
    np.testing.assert_allclose(ours.w1x, w1x, atol=1e-12)
    np.testing.assert_allclose(ours.b1, b1, atol=1e-12)
    np.testing.assert_allclose(ours.w2, w2, atol=1e-12)
    np.testing.assert_allclose(ours.b2.sum(), b2, atol=1e-12)
    assert ours.received.sum() == (k or 12) and ours.received[-1]


def test_the_lectures_loop_as_printed_misses_a_transpose():
    """As printed, the lecture's loop gives a wrong W1h gradient beyond one step (it would be
    right only for a symmetric W1h); full BPTT here matches finite differences instead."""
    rng = np.random.default_rng(0)
    net = rnn.init_rnn(2, 3, seed=5)
    x, y = rng.normal(size=(4, 5, 2)), rng.integers(0, 2, (4, 1)).astype(float)
    trace = rnn.forward(net, x)
    printed = lecture_backprop(net, x, trace.a2 - y, k=5, transpose=False)[0]
    fixed = lecture_backprop(net, x, trace.a2 - y, k=5)[0]
    numeric = numeric_gradient(lambda: rnn.loss(net, rnn.forward(net, x), y), net.w1h)
    np.testing.assert_allclose(fixed, numeric, atol=1e-8)
    assert np.abs(printed - numeric).max() > 1e-3


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
@pytest.mark.parametrize("output", rnn.OUTPUTS)
def test_full_bptt_matches_finite_differences(activation, output):
    rng = np.random.default_rng(3)
    net = rnn.init_rnn(3, 4, seed=2, activation=activation, output=output)
    net.b1 += 0.1  # keep ReLU units away from their kink
    x = rng.normal(size=(5, 6, 3))
    y = rng.integers(0, 2, (5, 1)).astype(float) if output == "sigmoid" else rng.normal(size=(5, 1))
    g = rnn.bptt(net, rnn.forward(net, x), y).params()
    for name, value in net.params().items():
        numeric = numeric_gradient(lambda: rnn.loss(net, rnn.forward(net, x), y), value)
        np.testing.assert_allclose(g[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_lecture_vocabulary_indices_and_padding():
    x, y, idx, vocab = sq.word_dataset()
    assert vocab == ['<pad>', ' ', 'a', 'b', 'd', 'e', 'g', 'o', 'r', 's', 'w']
    assert sq.encode("good", vocab) == [6, 7, 7, 4]
    assert sq.encode("bad", vocab) == [3, 2, 4]
    assert [sq.encode(w, vocab) for w in sq.LECTURE_WORDS][2:] == [[10, 7, 8, 9, 5],
                                                                  [9, 7, 1, 6, 7, 7, 4]]
    assert idx[0].tolist() == [0, 0, 0, 6, 7, 7, 4]
    assert x.shape == (4, 7, 11) and not x[0, :3].any() and x[0, 3, 6] == 1
    with pytest.raises(ValueError, match="'x'"):
        sq.encode("xo", vocab)


def test_lecture_sine_windows_and_split():
    X, Y = sq.seq2dataset(sq.sine_series()[1], 20)
    assert X.shape == (980, 20, 1) and Y.shape == (980, 1)
    series = sq.sine_series()[1]
    assert X[5, :, 0].tolist() == series[5:25].tolist() and Y[5, 0] == series[25]
    shapes = [a.shape for a in sq.split(X, Y, 0.8)]
    assert shapes == [(784, 20, 1), (784, 1), (196, 20, 1), (196, 1)]
    with pytest.raises(ValueError):
        sq.seq2dataset(np.arange(5.0), 10)


def test_parameter_counts():
    assert rnn.count_params(100, 32, None) == 4256  # lecture 001: SimpleRNN(32), one-hot 100
    assert rnn.count_params(1, 128, 1) == 16_769  # lecture 002: SimpleRNN(128) + Dense(1)
    assert rnn.count_params(500, 8, None) == 4072  # lecture 003: one-hot 500, SimpleRNN(8)
    assert rnn.count_params(16, 8, None) == 200  # lecture 003: Embedding(500, 16) + SimpleRNN(8)
    assert imdb.one_hot_bytes(20000, 100, 100) == 800_000_000  # lecture 001, float32 one-hot


def test_odd_inputs():
    net = rnn.init_rnn(2, 3)
    with pytest.raises(ValueError):
        rnn.forward(net, np.zeros((1, 0, 2)))  # T = 0
    with pytest.raises(ValueError):
        rnn.forward(net, np.zeros((1, 4, 3)))  # wrong n_f
    t1 = rnn.forward(net, np.ones((2, 1, 2)))  # T = 1
    assert t1.h.shape == (2, 2, 3)
    with pytest.raises(ValueError):
        rnn.bptt(net, t1, np.zeros((2, 1)), k=0)
    with pytest.raises(ValueError):
        rnn.init_rnn(2, 3, activation="gelu")


def test_gradient_flow_vanishes_below_one_and_explodes_above():
    vanish = rnn.gradient_flow(200, 0.5, "relu")
    explode = rnn.gradient_flow(100, 2.0, "relu")
    assert vanish.dh_norm[0] < 1e-50 * vanish.dh_norm[-1]
    assert explode.dh_norm[0] > 1e10 * explode.dh_norm[-1]
    tanh = rnn.gradient_flow(200, 0.9, "tanh")
    assert tanh.dh_norm[0] < 1e-6 * tanh.dh_norm[-1]
    huge = rnn.gradient_flow(200, 30.0, "relu")
    assert huge.overflow  # reported, not raised
    truncated = rnn.gradient_flow(50, 1.0, k=5)
    assert truncated.received.tolist() == [False] * 45 + [True] * 5
    np.testing.assert_allclose(rnn.scalar_power(0.5, 3), [1, 0.5, 0.25, 0.125])


def test_training_learns_the_lecture_words_and_the_sine():
    x, y, _, _ = sq.word_dataset()
    net = rnn.init_rnn(x.shape[2], 8, seed=0)
    opt = rnn.Adam(lr=0.05)
    for _ in range(150):
        rnn.train_epoch(net, x, y, opt, batch_size=4)
    assert ((rnn.forward(net, x).a2 > 0.5) == (y > 0.5)).all()

    X, Y = sq.seq2dataset(sq.sine_series()[1], 20)
    xtr, ytr, xte, yte = sq.split(X, Y)
    net = rnn.init_rnn(1, 16, seed=0, output="linear")
    opt = rnn.Adam(lr=0.01)
    rng = np.random.default_rng(0)
    for _ in range(15):
        rnn.train_epoch(net, xtr, ytr, opt, rng=rng)
    test_mse = rnn.loss(net, rnn.forward(net, xte), yte)
    assert test_mse < 0.05 * np.var(yte), test_mse


def test_a_diverging_step_is_refused():
    x, y, _, _ = sq.word_dataset()
    net = rnn.init_rnn(x.shape[2], 4, seed=0, activation="relu")
    net.w1h *= 1e200
    before = net.copy()
    assert np.isnan(rnn.train_epoch(net, x, y, rnn.Adam(lr=1e300), batch_size=4))
    np.testing.assert_array_equal(net.w1h, before.w1h)


def test_a_net_is_finite_only_if_every_weight_is():
    net = rnn.init_rnn(2, 3, output="linear")
    assert net.is_finite()
    for name in net.params():
        for bad in (np.nan, np.inf, -np.inf):
            broken = net.copy()
            broken.params()[name].flat[-1] = bad
            assert not broken.is_finite(), (name, bad)


def test_a_demo_trajectory_is_exact_bounded_and_leaves_the_demo_alone():
    from lab.lessons.playback import digest
    from lab.models.rnn_demos import SineDemo, WordsDemo

    demo = WordsDemo(lr=0.05)
    states = demo.trajectory(5, 50)
    assert demo.losses == [], "the demo itself is not trained"
    assert [len(s.losses) for s in states[:3]] == [5, 10, 15]
    assert states[-1].finished() and not states[-2].finished(), "stops once learned"
    again = WordsDemo(lr=0.05)
    again.advance(15)
    assert digest(again) == digest(states[2]), "a frame is the demo's exact state"
    slow = SineDemo(60, 64)
    assert 1 <= len(slow.trajectory(1, 25, budget_s=0.01)) < 25


def test_the_sine_demos_forecast_and_test_loss_are_its_nets_now():
    """The forecast an epoch keeps for its test loss and chart is the net's as it stands, also
    after an epoch that diverged and left the weights of its last good batch."""
    from lab.models.rnn_demos import SineDemo

    demo = SineDemo(8, 4)
    for epochs in (0, 2):
        demo.advance(epochs)
        fresh = rnn.forward(demo.net, demo.x_test)
        np.testing.assert_array_equal(demo.forecast()[2], fresh.a2[:, 0])
        assert demo.test_loss() == rnn.loss(demo.net, fresh, demo.y_test)
    assert demo.test_losses[-1] == demo.test_loss()
    snap = demo.snapshot()
    snap.advance(1)
    assert len(demo.train_losses) == 2 and len(snap.test_losses) == 3, "a snapshot's own losses"
    before = demo.forecast()[2]
    demo.opt.lr = 1e200  # the first batch's step is finite, the next batch's loss is not
    demo.advance(1)
    assert demo.diverged and len(demo.train_losses) == 2
    now = rnn.forward(demo.net, demo.x_test).a2[:, 0]
    assert not np.array_equal(now, before), "the diverged epoch moved the weights"
    np.testing.assert_array_equal(demo.forecast()[2], now)


@pytest.mark.parametrize("k", [0, -3])
def test_training_refuses_a_truncation_below_one_step(k):
    """TBPTT over fewer than one step trains nothing inside the recurrence: an error, as
    ``bptt``'s, not a silent epoch of the output layer alone."""
    from lab.core.errors import InvalidInput

    rng = np.random.default_rng(0)
    net = rnn.init_rnn(2, 4, 1, seed=0)
    x, y = rng.normal(size=(8, 5, 2)), rng.integers(0, 2, size=(8, 1)).astype(float)
    with pytest.raises(InvalidInput):
        rnn.train_epoch(net, x, y, rnn.Adam(lr=0.01), k=k)
