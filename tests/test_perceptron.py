"""The perceptron rule and the sigmoid neuron against lecture 000's worked examples."""

import numpy as np
import pytest

from lab.networks import perceptron as pc
from tests.gradcheck import numeric_gradient


def lecture_loop(t, eta=0.1, passes=10):
    """The lecture's own code, transcribed: the reference the lab must match bit for bit."""
    def f(x):
        return 1 if x > 0 else 0
    x = np.array([[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]])
    w = np.array([0., 0., 0.])
    out = []
    for _ in range(passes):
        for i in range(len(x)):
            fnet = f(np.dot(x[i], w))
            e = t[i] - fnet
            w[0] = w[0] + eta * e * x[i][0]
            w[1] = w[1] + eta * e * x[i][1]
            w[2] = w[2] + eta * e * x[i][2]
        out.append(w.copy())
    return np.array(out)


@pytest.mark.parametrize("gate", ["AND", "OR", "XOR"])
def test_weights_after_each_pass_equal_the_lecture_loop(gate):
    run = pc.train(gate, 0.1, 10)
    expected = lecture_loop(pc.GATES[gate])
    np.testing.assert_array_equal(run.passes[["w0", "w1", "w2"]].to_numpy(), expected)


def test_and_or_settle_and_xor_cycles():
    and_run, or_run, xor_run = (pc.train(g, 0.1, 10) for g in ("AND", "OR", "XOR"))
    assert and_run.converged_pass == 6
    np.testing.assert_allclose(and_run.passes.iloc[-1][["w0", "w1", "w2"]], [-0.2, 0.2, 0.1])
    assert or_run.converged_pass == 4
    np.testing.assert_allclose(or_run.passes.iloc[-1][["w0", "w1", "w2"]], [0.0, 0.1, 0.1],
                               atol=1e-12)
    assert xor_run.converged_pass is None
    assert (xor_run.passes["errors"] > 0).all()
    assert xor_run.cycle == (2, 1)
    assert and_run.cycle is None


def test_one_update_follows_the_rule():
    run = pc.train("AND", 0.5, 1, w_init=[0.2, -0.3, 0.4])
    first = run.updates.iloc[0]  # x = (0, 0): net = w0 = 0.2 > 0, so f = 1 and t = 0
    assert first["net"] == pytest.approx(0.2)
    assert (first["f(net)"], first["t"], first["error"]) == (1, 0, -1)
    np.testing.assert_allclose(first[["dw0", "dw1", "dw2"]].to_numpy(float), [-0.5, 0, 0])
    np.testing.assert_allclose(first[["w0", "w1", "w2"]].to_numpy(float), [-0.3, -0.3, 0.4])
    assert not (run.updates[["dw0", "dw1", "dw2"]].to_numpy() == 0)[np.signbit(
        run.updates[["dw0", "dw1", "dw2"]].to_numpy())].any(), "no negative zeros in the table"


def test_from_zeros_eta_only_rescales_the_weights():
    small, large = pc.train("AND", 0.1, 10), pc.train("AND", 1.0, 10)
    np.testing.assert_allclose(large.passes[["w0", "w1", "w2"]] / 10,
                               small.passes[["w0", "w1", "w2"]], atol=1e-12)
    assert small.converged_pass == large.converged_pass


def test_odd_settings():
    zero = pc.train("AND", 0.0, 5)
    assert (zero.updates[["w0", "w1", "w2"]] == 0).all().all()
    assert zero.converged_pass is None and zero.cycle == (1, 1)
    long = pc.train("XOR", 1.0, pc.MAX_PASSES)
    assert len(long.updates) == 4 * pc.MAX_PASSES
    for bad in (dict(eta=-1), dict(eta=float("nan")), dict(passes=0),
                dict(passes=pc.MAX_PASSES + 1), dict(gate="NAND")):
        kwargs = dict(gate="AND", eta=0.1, passes=10) | bad
        with pytest.raises(ValueError):
            pc.train(**kwargs)


def test_random_initial_weights_are_seeded():
    np.testing.assert_array_equal(pc.initial_weights("random", 3), pc.initial_weights("random", 3))
    assert not np.array_equal(pc.initial_weights("random", 3), pc.initial_weights("random", 4))


def test_sigmoid_table_true_values_and_the_slides_rounding():
    tab = pc.sigmoid_table()
    np.testing.assert_allclose(tab["net"], [-0.99, -0.55, -1.15, -0.71])
    np.testing.assert_allclose(tab["Y"], 1 / (1 + np.exp([0.99, 0.55, 1.15, 0.71])))
    assert tab["Y"][1] == pytest.approx(0.366, abs=5e-4)  # the slide prints 0.36
    cmp = pc.lecture_comparison()
    # every printed number is the true value to two decimals, rounded or truncated
    assert (np.abs(cmp["true value"] - cmp["lecture prints"]) < 0.0101).all()
    differs = set(cmp.loc[cmp["differs at 2 decimals"], "quantity"])
    assert "Y for x=01" in differs and "Y for x=00" not in differs


def test_the_lectures_gradient_step():
    grad = pc.sigmoid_gradient()
    tab = pc.sigmoid_table()
    delta = (tab["Y"] - tab["T"]) * tab["Y"] * (1 - tab["Y"])
    np.testing.assert_allclose(grad, [delta[2] + delta[3], delta[1] + delta[3], delta.sum()])
    np.testing.assert_allclose(grad, pc.LECTURE_PRINTED_STEP, atol=0.01)
    np.testing.assert_allclose(pc.sigmoid_gradient_step(), pc.LECTURE_PRINTED_NEW_W, atol=0.01)


def test_sigmoid_gradient_matches_finite_differences():
    w = np.array([0.3, -0.7, 0.1])

    def energy(v):
        tab = pc.sigmoid_table(*v, targets=pc.GATES["AND"])
        return 0.5 * float((tab["error"] ** 2).sum())

    numeric = numeric_gradient(lambda: energy(w), w)
    np.testing.assert_allclose(pc.sigmoid_gradient(*w, targets=pc.GATES["AND"]), numeric,
                               rtol=1e-6, atol=1e-9)


def test_decision_line_text():
    assert pc.decision_line([0, 0, 0]).startswith("no line")
    assert pc.decision_line([-0.1, 0.1, 0]) == "x1 = +1.000"
    assert pc.decision_line([-0.2, 0.2, 0.1]) == "x2 = -2.000·x1 +2.000"
    assert pc.decision_line([0.2, 0.0, 0.1]) == "x2 = +0.000·x1 -2.000"  # no "-0.000"
