"""The next-character model of "Sequence structures" (lecture 004): gradients, teacher forcing,
generation, and the page."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.networks import charseq as cs
from lab.core.errors import InvalidInput
from tests.conftest import ROOT, link_params

APP = str(ROOT / "app.py")


def numeric_grads(net, words, mode, eps=1e-6):
    out = {}
    for name, value in net.params().items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            old = value[i]
            value[i] = old + eps
            up = cs.loss_and_grads(net, words, mode)[0]
            value[i] = old - eps
            down = cs.loss_and_grads(net, words, mode)[0]
            value[i] = old
            g[i] = (up - down) / (2 * eps)
        out[name] = g
    return out


@pytest.mark.parametrize("mode", cs.MODES)
def test_gradients_equal_finite_differences(mode):
    words = ["국민대학", "딥러닝"]
    net = cs.init_net(cs.vocabulary(words), 5, seed=3)
    net.b += np.random.default_rng(1).normal(0, 0.3, net.b.shape)
    _, grads, _, _ = cs.loss_and_grads(net, words, mode)
    for name, g in numeric_grads(net, words, mode).items():
        np.testing.assert_allclose(grads[name], g, rtol=1e-5, atol=1e-8, err_msg=name)


def test_gradients_equal_keras_with_the_same_weights():
    """Teacher forcing is Keras's usual set-up: one-hot inputs, SimpleRNN(return_sequences),
    Dense(softmax), categorical cross-entropy averaged over every step."""
    import keras
    import tensorflow as tf

    word = "국민대학"
    net = cs.init_net(cs.vocabulary([word]), 6, seed=1)
    V, T = len(net.vocab), len(word) - 1
    x = np.eye(V)[[net.vocab.index(c) for c in word[:-1]]][None]
    y = np.eye(V)[[net.vocab.index(c) for c in word[1:]]][None]
    model = keras.Sequential([keras.Input((T, V), dtype="float64"),
                              keras.layers.SimpleRNN(6, return_sequences=True, dtype="float64"),
                              keras.layers.Dense(V, activation="softmax", dtype="float64")])
    model.set_weights([net.Wx, net.Wh, net.b, net.Wy, net.by])
    ours, grads, _, _ = cs.loss_and_grads(net, [word], "teacher")
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy(dtype="float64")(y, model(x))
    theirs = tape.gradient(loss, model.trainable_weights)
    assert ours == pytest.approx(float(loss), rel=1e-10)
    for mine, keras_grad in zip([grads[k] for k in ("Wx", "Wh", "b", "Wy", "by")], theirs):
        np.testing.assert_allclose(mine, keras_grad.numpy(), rtol=1e-8, atol=1e-12)


def test_teacher_forcing_learns_the_default_words_within_the_page_budget():
    from ui.settings import STRUCTURE

    words = cs.parse_words(STRUCTURE["sq_words"].default)
    r = cs.train(words, "teacher", STRUCTURE["sq_units"].default, STRUCTURE["sq_lr"].default,
                 STRUCTURE["sq_epochs"].default, STRUCTURE["sq_seed"].default)
    assert r.accuracy[-1] == 1.0 and r.generated[-1] == 1.0
    assert [s.chosen for s in cs.generate(r.net, "국", 4)] == list("민대학")


def test_own_outputs_feed_the_prediction_back():
    net = cs.init_net(cs.vocabulary(["국민대학"]), 4, seed=0)
    own = cs.run_word(net, "국민대학", "own")
    teacher = cs.run_word(net, "국민대학", "teacher")
    assert teacher.inputs == [0, 1, 2]  # 국, 민, 대: the true previous characters
    assert own.inputs[1:] == [int(np.argmax(p)) for p in own.p[:-1]]  # its own guesses


def test_one_forced_character_changes_what_follows():
    r = cs.train(["국민대학", "대학원"], "teacher", 16, 0.05, 150)
    free = [s.chosen for s in cs.generate(r.net, "국", 4)]
    forced = cs.generate(r.net, "국", 4, {1: "대"})
    assert free == list("민대학") and forced[0].forced and forced[0].chosen == "대"
    assert [s.fed for s in forced] == ["국", "대", forced[1].chosen]  # it continues from 대
    for s in forced[1:]:  # after the forced step, its own most likely characters again
        assert s.chosen == max(s.probabilities, key=s.probabilities.get) and not s.forced
    assert "국" + "".join(s.chosen for s in forced) != "국민대학"


@pytest.mark.parametrize("text, key", [("", "no_words"), ("가", "short"), ("a" * 13, "long"),
                                       (" ".join(["ab"] * 3 + [f"w{i}" for i in range(10)]),
                                        "too_many")])
def test_unusable_words_are_named(text, key):
    with pytest.raises(InvalidInput) as err:
        cs.parse_words(text)
    assert err.value.key == f"charseq.err.{key}"


def test_ambiguous_words_are_found():
    assert cs.ambiguous(["below", "bellow", "hello"]) == [("below", "bellow")]
    assert cs.ambiguous(list(cs.DEFAULT_WORDS)) == []


def test_the_work_budget_caps_epochs():
    words = ["가나다라마바사아자차카타"] * 1 + ["하파타카차자아사바마라다"]
    r = cs.train(words, "teacher", 4, 0.02, 10_000)
    assert len(r.loss) == cs.MAX_CHAR_EPOCHS // 22 < r.asked


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_trains_both_ways_and_generates(lang):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(link_params({"sq_force_at": 1, "sq_force_char": "대"}, lang))
    at.switch_page("pages/structures.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [d.value for d in at.dataframe]
    assert len(tables[0]) == 2  # teacher forcing and own outputs
    assert "국대" in " ".join(m.value for m in at.markdown)  # the forced character, generated on
    at.text_input(key="sq_words").set_value("").run()
    assert at.warning and at.dataframe  # a message, and the last words' results stay
    at.text_input(key="sq_words").set_value("가" * 5000).run()
    assert not at.exception


def test_every_structure_draws():
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/structures.py")
    at.run()
    for value in ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"):
        at.radio(key="sq_kind").set_value(value).run()
        assert not at.exception and at.session_state["sq_kind"] == value
