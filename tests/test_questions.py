"""Questions on the live state (lab/questions/): each answer equals an independent computation
(the formula worked by hand, or Keras's own count) for random settings; a question is checked
within its stated tolerance; every question reads in both languages; and every lesson page
shows at least two questions, in English and Korean, whose Check says right or wrong."""

import math
import re
import zlib

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.core import i18n
from lab.data import stock, text as tx
from lab.maths import threshold as th
from lab.networks import mlp, perceptron as pc
from lab.questions import PAGES, Question, for_page
from lab.questions import gates as qg, imdb as qi, perceptron as qp, rnn as qr, stock as qs
from lab.questions import experiments as qe, structures as qst, text as qt, xor as qx
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
DRAWS = 12  # random settings per question


def defaults(page: str) -> dict:
    """The page's control defaults, read from ui/settings.py's table as the page sees them."""
    from ui import controls, settings  # noqa: F401  (fills the registry)

    return {c.key: c.initial() for c in controls.REGISTRY[page]}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@pytest.fixture(scope="module")
def keras():
    import keras as k

    return k


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.name.encode()))


# --- Perceptron -----------------------------------------------------------------------------------
def by_hand_rule(gate: str, eta: float, w, updates: int) -> tuple[list, list, tuple]:
    """Rosenblatt's rule worked by hand: (weights before the last update, after it, its input
    with the bias's 1 first)."""
    targets = {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}[gate]
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    w, before, x = list(w), list(w), (1, 0, 0)
    for u in range(updates):
        x = (1, *inputs[u % 4])
        before = list(w)
        net = sum(a * b for a, b in zip(w, x))
        error = targets[u % 4] - (1 if net > 0 else 0)
        w = [wi + eta * error * xi for wi, xi in zip(w, x)]
    return before, w, x


def test_the_next_weight_is_the_rule_worked_by_hand(rng):
    for _ in range(DRAWS):
        s = defaults("perceptron") | dict(
            pc_gate=str(rng.choice(["AND", "OR", "XOR"])), pc_eta=float(rng.choice([0.1, 0.5, 1.0])),
            pc_passes=int(rng.integers(1, 8)), pc_init=str(rng.choice(["zeros", "random"])),
            pc_seed=int(rng.integers(0, 100)))
        cursor = int(rng.integers(0, 4 * s["pc_passes"]))
        q = qp.next_weight(s, {"perceptron": cursor})
        start = pc.initial_weights(s["pc_init"], s["pc_seed"] if s["pc_init"] == "random" else 0)
        _, after, x = by_hand_rule(s["pc_gate"], s["pc_eta"], start, cursor + 1)
        i = q.fields["i"]
        assert i == (1 if x[1] else 2 if x[2] else 0)
        assert q.answer == pytest.approx(after[i], abs=1e-12)


def test_the_sigmoid_neurons_output_is_worked_by_hand_and_the_slides_value_shown(rng):
    q = qp.sigmoid_output(defaults("perceptron"), {})
    assert q.answer == pytest.approx(sigmoid(-0.55), abs=1e-12)  # 0.44 - 0.99
    assert q.lecture == 0.36  # the slide's rounding of 0.3659
    for _ in range(DRAWS):
        w1, w2, b = (float(v) for v in np.round(rng.uniform(-3, 3, 3), 2))
        q = qp.sigmoid_output(defaults("perceptron") | dict(sg_w1=w1, sg_w2=w2, sg_b=b), {})
        assert q.answer == pytest.approx(sigmoid(w2 + b), abs=1e-12) and q.lecture is None


def test_whether_the_rule_settles_is_what_the_rule_does_by_hand(rng):
    for _ in range(DRAWS):
        gate, passes = str(rng.choice(["AND", "OR", "XOR"])), int(rng.integers(1, 30))
        eta = float(rng.choice([0.1, 0.5]))
        q = qp.settles(defaults("perceptron") | dict(pc_gate=gate, pc_passes=passes,
                                                     pc_eta=eta), {})
        targets = {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}[gate]
        w, clean = [0.0, 0.0, 0.0], False
        for _ in range(passes):
            mistakes = 0
            for t, x in zip(targets, ((1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1))):
                error = t - (1 if sum(a * b for a, b in zip(w, x)) > 0 else 0)
                mistakes += error != 0
                w = [wi + eta * error * xi for wi, xi in zip(w, x)]
            clean = clean or mistakes == 0
        assert q.answer == ("yes" if clean else "no"), (gate, passes, eta)
    assert qp.settles(defaults("perceptron") | dict(pc_gate="XOR", pc_passes=50), {}).answer \
        == "no"


# --- XOR ----------------------------------------------------------------------------------------
def test_the_xor_questions_read_the_players_network(rng):
    for _ in range(DRAWS):
        h, seed = int(rng.integers(1, 9)), int(rng.integers(0, 999))
        p = mlp.init_params(h, seed)
        mlp.train(p, 0.5, int(rng.integers(0, 300)))
        state = {"xor": type("Run", (), {"params": p})()}
        s = defaults("xor") | dict(xor_h=h, xor_seed=seed)
        q = qx.hidden_unit(s, state)
        assert q.answer == pytest.approx(sigmoid(p.w1[0, 0] + p.b1[0]), abs=1e-12)  # (1, 0)
        outputs = [sigmoid(sum(sigmoid(x1 * p.w1[0, j] + x2 * p.w1[1, j] + p.b1[j]) * p.w2[j, 0]
                                   for j in range(h)) + p.b2[0])
                   for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1))]
        gaps = [abs(y - t) for y, t in zip(outputs, (0, 1, 1, 0))]
        assert qx.most_wrong(s, state).answer == qx.INPUT_NAMES[int(np.argmax(gaps))]
        assert qx.parameters(s, state).answer == 4 * h + 1
    lecture = defaults("xor") | dict(xor_start="lecture")
    assert qx.hidden_unit(lecture, {}).answer == pytest.approx(sigmoid(-2 + 2))  # w11 + b1


# --- RNN, structures, gates -------------------------------------------------------------------------
def test_rnn_questions_by_hand(rng):
    for _ in range(DRAWS):
        T, w, n = int(rng.integers(2, 200)), float(rng.choice([0.5, 0.9, 1.0, 1.1, 2.0])), \
            int(rng.integers(2, 65))
        s = defaults("rnn") | dict(g_T=T, g_radius=w, g_k=200, s_units=n)
        q = qr.power(s, {})
        assert q.answer == pytest.approx(w ** (T - 1)) and q.correct(w ** (T - 1) * 1.005)
        assert not q.correct(w ** (T - 1) * 1.02 + 1e-9)
        assert qr.parameters(s, {}).answer == n + n * n + n + n + 1
    assert qr.flow(defaults("rnn") | dict(g_T=100, g_radius=0.5), {}).answer == "vanishes"
    assert qr.flow(defaults("rnn") | dict(g_T=200, g_radius=3.0, g_act="relu"), {}).answer \
        == "explodes"
    assert qr.flow(defaults("rnn") | dict(g_T=2, g_radius=1.0), {}).answer == "neither"


def test_structures_questions_by_hand(rng):
    s = defaults("structures")
    words = s["sq_words"].replace(",", " ").split()
    V = len(set("".join(words)))
    for n in rng.integers(2, 65, DRAWS):
        q = qst.parameters(s | dict(sq_units=int(n)), {})
        assert q.answer == n * (V + n + 1) + (n + 1) * V
    assert qst.targets(s, {}).answer == sum(len(w) - 1 for w in words)
    for at in range(0, 5):
        q = qst.forced_input(s | dict(sq_word="국민대학", sq_force_at=at), {})
        step = q.fields["step"]
        assert q.answer == "국민대학"[step - 1] and q.fields["next"] == "국민대학"[step]
    assert qst.parameters(s | dict(sq_words="a"), {}) is None  # the page says why


def test_structures_questions_by_hand_on_random_words(rng):
    syllables = list("가나다라마바사아자차카타파하국민대학딥러닝") + list("abcdexyz")
    for _ in range(DRAWS):
        words = ["".join(rng.choice(syllables, int(rng.integers(2, 8))))
                 for _ in range(int(rng.integers(1, 6)))]
        s = defaults("structures") | dict(
            sq_words=", ".join(words), sq_word=str(rng.choice(words + ["없는말"])),
            sq_force_at=int(rng.integers(0, 10)), sq_units=int(rng.integers(2, 65)))
        unique = list(dict.fromkeys(words))  # a word typed twice is one word
        V, n = len(set("".join(unique))), s["sq_units"]
        assert qst.parameters(s, {}).answer == n * (V + n + 1) + (n + 1) * V
        assert qst.targets(s, {}).answer == sum(len(w) - 1 for w in unique)
        word = s["sq_word"] if s["sq_word"] in unique else unique[0]
        q = qst.forced_input(s, {})
        step = q.fields["step"]
        assert q.fields["word"] == word and 1 <= step <= len(word) - 1
        assert q.answer == word[step - 1] and q.fields["next"] == word[step]
        assert q.answer in q.options and len(set(q.options)) == len(q.options)


KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # Keras Tokenizer's documented default


def test_text_questions_by_hand_on_random_samples(rng):
    words = ["The", "cat", "sat", "on", "the", "mat", "Dog", "ate", "my", "homework", "don't",
             "NLP", "deep", "learning", "I", "like"]
    marks = ["", "", ".", ",", "!", "?", ";", "-"]
    for _ in range(DRAWS):
        lines = [" ".join(str(rng.choice(words)) + str(rng.choice(marks))
                          for _ in range(int(rng.integers(1, 9))))
                 for _ in range(int(rng.integers(1, 5)))]
        s = defaults("text") | dict(tx_samples="\n".join(lines), tx_maxlen=int(rng.integers(1, 20)),
                                    tx_corpus="\n".join(  # one sentence a line
                                        re.sub(r"[.!?]", "", line) + "." for line in lines),
                                    tx_window=int(rng.integers(1, 4)),
                                    tx_xmax=float(rng.uniform(1, 10)),
                                    tx_alpha=float(rng.uniform(0.05, 1)))
        kept = ["".join(" " if c in KERAS_FILTERS else c for c in line.lower()) for line in lines]
        keras_words = {w for line in kept for w in line.split()}
        assert qt.tokens(s, {}).answer == len(keras_words), lines  # "don't" stays one word
        split = {w for line in lines for w in line.split()}
        assert qt.one_hot_size(s, {}).answer == len(lines) * s["tx_maxlen"] * (len(split) + 1)
        pairs: dict = {}  # X[i, k] for k within the window of i, inside a sentence (a line here)
        for line in s["tx_corpus"].splitlines():
            tokens = re.findall(r"\w+|[^\w\s]", line)
            w = s["tx_window"]
            for i, a in enumerate(tokens):
                for b in tokens[max(0, i - w):i] + tokens[i + 1:i + 1 + w]:
                    pairs[a, b] = pairs.get((a, b), 0) + 1
        q = qt.glove_weight(s, {})
        x = max(pairs.values())
        assert float(q.fields["x"]) == x and pairs[q.fields["i"], q.fields["k"]] == x
        assert q.answer == pytest.approx(min(1.0, (x / s["tx_xmax"]) ** s["tx_alpha"]), abs=1e-12)


def by_hand_lstm(cell, x, f_shift, i_shift):
    """LSTM over a scalar sequence, gate order i, f, c, o, every gate kept: (T, 4, n)."""
    n = cell.units
    h, c, out = np.zeros(n), np.zeros(n), []
    bias = cell.bias.copy()
    bias[:n] += i_shift
    bias[n:2 * n] += f_shift
    for v in x:
        z = v * cell.kernel[0] + h @ cell.recurrent_kernel + bias
        i, f, g, o = (1 / (1 + np.exp(-z[:n])), 1 / (1 + np.exp(-z[n:2 * n])),
                      np.tanh(z[2 * n:3 * n]), 1 / (1 + np.exp(-z[3 * n:])))
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append((i, f, g, o))
    return np.array(out)


def random_lstm(rng, shortest: int) -> tuple[dict, np.ndarray]:
    """The gate inspector's settings for a random LSTM on a random toy sequence (at least
    ``shortest`` steps), and its gates worked by hand (:func:`by_hand_lstm`)."""
    from lab.networks import cells

    values = np.round(rng.normal(0, 2, int(rng.integers(shortest, 30))), 2)
    s = defaults("gates") | dict(
        gi_kind="LSTM", gi_seed=int(rng.integers(0, 999)),
        gi_f=float(rng.choice([-4.0, 0.0, 2.5])), gi_i=float(rng.choice([-2.0, 0.0, 3.0])),
        gi_toy=", ".join(f"{v:g}" for v in values), gi_t=int(rng.integers(1, 40)),
        gi_unit=int(rng.integers(0, 6)))
    cell = cells.init_cell("LSTM", 1, qg.TOY_UNITS, seed=s["gi_seed"])
    return s, by_hand_lstm(cell, values, s["gi_f"], s["gi_i"])


def test_a_gate_value_and_the_closing_gate_are_the_lstm_worked_by_hand(rng):
    for _ in range(DRAWS):
        s, gates = random_lstm(rng, 3)
        t, u = min(s["gi_t"], len(gates)), min(s["gi_unit"], qg.TOY_UNITS - 1)
        q = qg.gate_value(s, {})
        assert (q.fields["t"], q.fields["unit"]) == (t, u)
        assert q.answer == pytest.approx(gates[t - 1, 1, u], abs=1e-9)
        i, f, _, o = gates[t - 1, :, u]
        assert qg.closing(s, {}).answer == ("i", "f", "o")[int(np.argmin([i, f, o]))]
    assert qg.closing(defaults("gates") | dict(gi_kind="SimpleRNN"), {}) is None


def by_hand_gru(cell, x, z_shift):
    """Keras 3's GRU (reset_after=True) over a scalar sequence, gate order z, r, h: (T, 2, n)
    of z and r, and the hidden states (T, n)."""
    n = cell.units
    h, gates, hs = np.zeros(n), [], []
    b_in, b_rec = cell.bias[0].copy(), cell.bias[1]
    b_in[:n] += z_shift
    for v in x:
        xs, hu = v * cell.kernel[0] + b_in, h @ cell.recurrent_kernel + b_rec
        z = 1 / (1 + np.exp(-(xs[:n] + hu[:n])))
        r = 1 / (1 + np.exp(-(xs[n:2 * n] + hu[n:2 * n])))
        g = np.tanh(xs[2 * n:] + r * hu[2 * n:])
        h = z * h + (1 - z) * g
        gates.append((z, r))
        hs.append(h)
    return np.array(gates), np.array(hs)


def by_hand_simple(cell, x):
    """SimpleRNN over a scalar sequence: h_t = tanh(x_t W + h_{t-1} U + b), (T, n)."""
    h, hs = np.zeros(cell.units), []
    for v in x:
        h = np.tanh(v * cell.kernel[0] + h @ cell.recurrent_kernel + cell.bias)
        hs.append(h)
    return np.array(hs)


@pytest.mark.parametrize("kind", ["GRU", "SimpleRNN"])
def test_the_gate_questions_on_a_gru_and_a_simple_rnn_are_the_cell_worked_by_hand(kind, rng):
    from lab.networks import cells

    for _ in range(DRAWS):
        values = np.round(rng.normal(0, 2, int(rng.integers(2, 30))), 2)
        s = defaults("gates") | dict(
            gi_kind=kind, gi_seed=int(rng.integers(0, 999)), gi_f=float(rng.choice([-4.0, 0, 2.5])),
            gi_toy=", ".join(f"{v:g}" for v in values), gi_t=int(rng.integers(1, 40)),
            gi_unit=int(rng.integers(0, 6)))
        t, u = min(s["gi_t"], len(values)), min(s["gi_unit"], qg.TOY_UNITS - 1)
        cell = cells.init_cell(kind, 1, qg.TOY_UNITS, seed=s["gi_seed"])
        q = qg.gate_value(s, {})
        if kind == "SimpleRNN":  # no gate: the hidden state, tanh of the sum the text shows
            h = by_hand_simple(cell, values)
            before = h[t - 2] if t > 1 else np.zeros(qg.TOY_UNITS)
            pre = values[t - 1] * cell.kernel[0, u] + before @ cell.recurrent_kernel[:, u] \
                + cell.bias[u]
            assert q.answer == pytest.approx(h[t - 1, u], abs=1e-9) == np.tanh(pre)
            assert q.fields["pre"] == f"{pre:.3f}" and q.explain == "explain_simple"
            assert qg.closing(s, {}) is None and qg.highest_keep(s, {}) is None
            continue
        gates, h = by_hand_gru(cell, values, s["gi_f"])
        z, r = gates[t - 1, :, u]
        assert q.answer == pytest.approx(z, abs=1e-9) and q.fields["gate"] == "z"
        assert float(q.fields["pre"]) == pytest.approx(np.log(z / (1 - z)), abs=6e-4)
        assert qg.closing(s, {}).answer == ("z" if z < r else "r")
        keep = gates[:, 0, u]
        top = qg.highest_keep(s, {})
        assert top.answer == int(np.argmax(keep)) + 1
        assert {i for i in top.options if top.correct(i)} == {
            i for i in top.options if keep.max() - keep[i - 1] <= qg.SAME}
        cell_q = qg.largest_state(s, {})
        assert np.abs(cell_q.plot["values"]) == pytest.approx(np.abs(h).ravel(), abs=1e-9)
        assert cell_q.answer == int(np.argmax(np.abs(h)))


def test_parameter_counts_by_hand_and_the_lectures_gru(rng):
    for _ in range(DRAWS):
        d, n = int(rng.integers(1, 300)), int(rng.integers(1, 300))
        hand = {"SimpleRNN": n * (d + n + 1), "LSTM": 4 * n * (d + n + 1),
                "GRU": 3 * n * (d + n + 2)}
        for kind, count in hand.items():
            assert qg.parameters(defaults("gates") | dict(gi_kind=kind, gp_d=d, gp_n=n),
                                 {}).answer == count
    lecture = qg.parameters(defaults("gates") | dict(gi_kind="GRU", gp_d=2, gp_n=256), {})
    assert lecture.answer == 199_680 and lecture.lecture is None  # the lecture prints it right


# --- Stock, text, IMDB, experiments -------------------------------------------------------------------
def test_stock_windows_and_the_test_period_outside_the_training_range_by_hand(rng):
    for _ in range(4):
        s = defaults("stock") | dict(
            sk_ticker=str(rng.choice(stock.EMBEDDED_TICKERS[:3])),
            sk_window=int(rng.integers(2, 61)), sk_train=int(rng.choice([50, 70, 95])),
            sk_features=("Close", "Volume"))
        data = qs.load_embedded(s["sk_ticker"])
        close = data.frame["Close"].to_numpy()
        ok = data.frame["Volume"].to_numpy() != 0  # the lecture's rule: zero volume is missing
        rows = int(ok.sum())
        q = qs.windows(s, {})
        assert q.answer == rows - s["sk_window"]
        n = rows - s["sk_window"]
        split = int(n * s["sk_train"] / 100)
        kept = close[ok]
        train, test = kept[:s["sk_window"] + split], kept[s["sk_window"] + split:]
        share = np.mean((test < train.min()) | (test > train.max()))
        assert qs.outside(s, {}).answer == ("none" if share == 0 else "most" if share > 0.5
                                            else "some")
    assert qs.windows(defaults("stock") | dict(sk_source="upload"), {}) is None


def test_text_questions_by_hand(rng):
    s = defaults("text")
    samples = s["tx_samples"].splitlines()
    words = {w for line in samples for w in re.sub(r"[^\w\s]", " ", line.lower()).split()}
    assert qt.tokens(s, {}).answer == len(words) == tx.LECTURE_KERAS_TOKENS == 9
    split = {w for line in samples for w in line.split()}
    for maxlen in rng.integers(1, 51, DRAWS):
        assert qt.one_hot_size(s | dict(tx_maxlen=int(maxlen)), {}).answer == \
            len(samples) * maxlen * (len(split) + 1)
    for x_max, alpha in zip(rng.uniform(1, 10, DRAWS), rng.uniform(0.05, 1, DRAWS)):
        q = qt.glove_weight(s | dict(tx_xmax=float(x_max), tx_alpha=float(alpha)), {})
        assert q.fields["x"] == "2"  # "I like" twice, within one word of each other
        assert q.answer == pytest.approx(min(1.0, (2 / x_max) ** alpha), abs=1e-12)


def test_imdb_parameters_by_hand_and_the_cheapest_threshold_found_by_sweeping(rng):
    from lab.data import imdb

    for _ in range(DRAWS):
        s = defaults("imdb") | dict(im_kind=str(rng.choice(["SimpleRNN", "LSTM", "GRU"])),
                                    im_emb=int(rng.choice([8, 32, 128])),
                                    im_units=int(rng.choice([4, 32, 128])),
                                    im_preset=str(rng.choice(list(imdb.PRESETS))))
        words, e, n = imdb.PRESETS[s["im_preset"]][0], s["im_emb"], s["im_units"]
        gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[s["im_kind"]]
        rnn = gates * n * (e + n + (2 if s["im_kind"] == "GRU" else 1))
        assert qi.parameters(s, {}).answer == words * e + rnn + n + 1
    p = rng.uniform(0, 1, 200_000)  # a calibrated model: P(positive | p) = p
    y = rng.uniform(0, 1, p.size) < p
    drawn = [tuple(float(v) for v in np.round(rng.uniform(0.1, 5, 2), 1)) for _ in range(4)]
    for fp, fn in ((1.0, 1.0), (1.0, 4.0), (5.0, 1.0), (2.0, 3.0), *drawn):
        q = qi.best_threshold(defaults("imdb") | dict(im_cfp=fp, im_cfn=fn), {})
        ts, _, cost = th.sweep(y, p, cost_fp=fp, cost_fn=fn)
        assert th.best(ts, cost) == pytest.approx(q.answer, abs=0.03), (fp, fn)  # flat near it
        direction = qi.direction(defaults("imdb") | dict(im_cfp=fp, im_cfn=fn), {}).answer
        assert direction == ("keep" if fp == fn else "lower" if fn > fp else "higher")
    assert qi.best_threshold(defaults("imdb") | dict(im_cfp=0.0, im_cfn=0.0), {}) is None


def test_experiments_counts_equal_what_the_lectures_print_and_memory_by_hand(rng):
    from lab.models import experiments as ex

    for exp_id, e in ex.EXPERIMENTS.items():
        q = qe.parameters(defaults("experiments") | dict(ex_id=exp_id), {})
        printed = e.nets[0].lecture_params
        if printed is not None:  # the lecture's own count (with its whole vocabulary)
            assert q.answer == printed and q.lecture is None, exp_id
        maxlen = int(rng.integers(10, 501))
        words = e.nets[0].num_words or 88_579
        m = qe.input_memory(defaults("experiments") | dict(ex_id=exp_id, ex_maxlen=maxlen), {})
        assert m.answer == pytest.approx(20_000 * maxlen * words * 4 / 1e6)


def test_parameter_counts_equal_keras(keras, rng):
    """Keras's own count_params for the layers the questions count."""
    def count(layers, shape):
        model = keras.Sequential([keras.Input(shape), *layers])
        return model.count_params()

    L = keras.layers
    for _ in range(3):
        n, d = int(rng.integers(2, 40)), int(rng.integers(1, 8))
        kind = str(rng.choice(["SimpleRNN", "LSTM", "GRU"]))
        assert qg.parameters(defaults("gates") | dict(gi_kind=kind, gp_d=d, gp_n=n), {}).answer \
            == count([getattr(L, kind)(n)], (5, d))
        assert qs.parameters(defaults("stock") | dict(
            sk_kind=kind, sk_units=n, sk_features=("Close",) * d), {}).answer == \
            count([getattr(L, kind)(n), L.Dense(1)], (5, d))
        assert qr.parameters(defaults("rnn") | dict(s_units=n), {}).answer == \
            count([L.SimpleRNN(n), L.Dense(1)], (5, 1))
        s = defaults("structures") | dict(sq_units=n)
        V = qst.parameters(s, {}).fields["V"]
        assert qst.parameters(s, {}).answer == count([L.SimpleRNN(n, return_sequences=True),
                                                      L.Dense(V)], (5, V))
        h = int(rng.integers(1, 9))
        assert qx.parameters(defaults("xor") | dict(xor_h=h), {}).answer == \
            count([L.Dense(h), L.Dense(1)], (2,))
        s = defaults("imdb") | dict(im_kind=kind, im_units=n)
        assert qi.parameters(s, {}).answer == count(
            [L.Embedding(500, s["im_emb"]), getattr(L, kind)(n), L.Dense(1)], (20,))
    from lab.models import experiments as ex

    for exp_id, e in ex.EXPERIMENTS.items():  # each experiment's first model, built in Keras
        words = ex.vocabulary(e.nets[0], qe.LECTURE_004_WORDS)
        q = qe.parameters(defaults("experiments") | dict(ex_id=exp_id), {})
        assert q.answer == ex.build(e.nets[0], words).count_params(), exp_id


# --- A question as data, checked within its tolerance, in both languages ---------------------------
def test_an_answer_is_right_within_the_stated_tolerance_only():
    q = Question("perceptron.sigmoid", "numeric", 0.3659, tolerance=0.005, digits=3)
    assert q.correct("0.37") and q.correct(" 0.3609 ") and not q.correct("0.36")
    assert not q.correct("abc") and not q.correct("nan") and not q.correct("")
    whole = Question("xor.parameters", "numeric", 1234.0)
    assert whole.correct("1,234") and not whole.correct("1235") and whole.shown() == "1,234"
    choice = Question("xor.most_wrong", "choice", "(0, 1)", options=qx.INPUT_NAMES)
    assert choice.correct("(0, 1)") and not choice.correct("(1, 1)")
    assert Question.from_json(choice.to_json()) == choice
    with pytest.raises(ValueError):
        Question("xor.most_wrong", "choice", "(2, 2)", options=qx.INPUT_NAMES)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_has_two_questions_that_read_in_both_languages(page):
    questions = for_page(page, defaults(page), {})
    assert len(questions) >= 2, page
    for q in questions:
        for lang in ("en", "ko"):
            prompt = i18n.t(f"questions.{q.id}.prompt", lang, **q.fields)
            explain = i18n.t(f"questions.{q.id}.{q.explain}", lang, **q.fields, answer="1")
            assert "{" not in prompt + explain and q.id not in prompt, (q.id, lang)
            for o in q.options if q.worded else ():
                assert i18n.t(f"questions.option.{o}", lang) != f"questions.option.{o}"


# 을/를, 은/는, 이/가, 와/과, (으)로, 였다/이었다 follow the last sound of the word before: after a
# value filled in (a number, a typed word, a gate's name) one of each pair is wrong for some values
FIELD_PARTICLE = re.compile(r"\}\**(?:을|를|은|는|이|가|과|와|로|으로|였다|이었다)(?=[\s,.:;)!?\"]|$)")


def test_korean_questions_put_no_particle_after_a_value_filled_in():
    korean = {k: v for k, v in i18n.catalog("ko").items() if k.startswith("questions.")}
    assert not [(k, m.group()) for k, v in korean.items() for m in FIELD_PARTICLE.finditer(v)]


# --- On the page: every lesson page, in English and Korean ---------------------------------------
PAGE_FILES = {p: f"pages/{p}.py" for p in PAGES}
WORDS = {"en": ("Right", "Not quite"), "ko": ("맞았다", "아쉽다")}


@pytest.mark.parametrize("page", [pytest.param(p, marks=pytest.mark.slow) if p == "imdb" else p
                                  for p in sorted(PAGES)])  # IMDB trains its model first
def test_every_lesson_page_asks_two_questions_and_checks_an_answer(page, monkeypatch, tmp_path):
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["q_open"] = True  # the question panel open (a lazy expander)
    at.switch_page(PAGE_FILES[page])
    at.run()
    for lang in ("en", "ko"):
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        pick = at.radio(key=f"q_pick_{page}")
        assert len(pick.options) >= 2, (page, lang)
        q = next(q for q in for_page(page, defaults(page), {}) if q.id == pick.value)
        right, wrong = (q.shown(), "-1e9") if q.kind == "numeric" else (
            q.answer, next(o for o in q.options if o != q.answer))
        for given, word in ((right, WORDS[lang][0]), (wrong, WORDS[lang][1])):
            box = f"q_given_{q.id}"
            if q.kind == "numeric":
                at.text_input(key=box).input(given)
            else:
                at.radio(key=box).set_value(given)
            next(b for b in at.button if b.label == i18n.t("questions.ui.check", lang)).click()
            at.run()
            found = [m.value for m in (*at.success, *at.error)]
            assert any(word in v for v in found), (page, lang, given, found)


def test_settings_the_page_refuses_leave_their_questions_out():
    s = defaults("perceptron") | dict(pc_passes=0)  # lab.networks.perceptron refuses 0 passes
    assert [q.id for q in for_page("perceptron", s, {})] == ["perceptron.sigmoid"]
    assert for_page("errata", defaults("errata"), {}) == []  # a page without questions
