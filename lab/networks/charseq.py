"""Next-character model (lecture 004, "국민대학"): a many-to-many SimpleRNN in NumPy, trained
with teacher forcing or on its own outputs, then generating one character at a time.

Each word is read from its first character; at step t the network gets a character and predicts
the next one (국 -> 민, 민 -> 대, 대 -> 학)::

    h_t = tanh(x_t W_x + h_{t-1} W_h + b),   p_t = softmax(h_t W_y + b_y)

Which character is x_t while training is the lesson:

* **teacher forcing**: the true previous character, whatever the network predicted;
* **own outputs**: the network's own prediction at t - 1 (its most likely character), as when it
  generates. A wrong guess early ("민" -> "의") feeds the next step a character the word never
  has, so later steps learn from inputs that drift from the data.

Generation always feeds the network its own outputs. The loss is the mean cross-entropy of
every predicted character, trained full-batch with Adam (Keras's defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lab.core.errors import InvalidInput
from lab.maths import (Adam, glorot_uniform, orthogonal, recurrent as rec, softmax,
                       softmax_crossentropy)

DEFAULT_WORDS = ("국민대학", "딥러닝", "순환신경망")  # no two share a prefix: all learnable
MODES = ("teacher", "own")
MAX_WORDS, MAX_WORD_CHARS = 10, 12
MAX_CHAR_EPOCHS = 40_000  # characters predicted x epochs: a few seconds at most, per mode


# --- Words and characters ------------------------------------------------------------------------
def parse_words(text: str) -> list[str]:
    """Words separated by commas, spaces or lines; each of 2 or more characters."""
    words = [w for w in text.replace(",", " ").split() if w]
    if not words:
        raise InvalidInput("charseq.err.no_words")
    if len(words) > MAX_WORDS:
        raise InvalidInput("charseq.err.too_many", most=MAX_WORDS, got=len(words))
    for w in words:
        if len(w) < 2:
            raise InvalidInput("charseq.err.short", word=w)
        if len(w) > MAX_WORD_CHARS:
            raise InvalidInput("charseq.err.long", word=w[:MAX_WORD_CHARS], most=MAX_WORD_CHARS)
    return list(dict.fromkeys(words))  # each word once, in order


def vocabulary(words: list[str]) -> list[str]:
    """The characters of the words, in order of first appearance."""
    return list(dict.fromkeys("".join(words)))


def ambiguous(words: list[str]) -> list[tuple[str, str]]:
    """Pairs of words that share a start and then part: after the shared part the next
    character cannot be known, so no model gets them all right."""
    out = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            if n and (n < len(a) and n < len(b) or len(a) != len(b)):
                out.append((a, b))
    return out


# --- The network ---------------------------------------------------------------------------------
@dataclass
class CharNet:
    vocab: list[str]
    Wx: np.ndarray  # (V, n)
    Wh: np.ndarray  # (n, n)
    b: np.ndarray  # (n,)
    Wy: np.ndarray  # (n, V)
    by: np.ndarray  # (V,)

    def params(self) -> dict[str, np.ndarray]:
        return {"Wx": self.Wx, "Wh": self.Wh, "b": self.b, "Wy": self.Wy, "by": self.by}

    @property
    def units(self) -> int:
        return self.Wh.shape[0]

    @property
    def cell(self) -> rec.Cell:
        """The SimpleRNN layer (the maths kernel's), sharing this net's arrays."""
        return rec.Cell("SimpleRNN", self.Wx, self.Wh, self.b)


def init_net(vocab: list[str], units: int, seed: int = 0) -> CharNet:
    """Keras's defaults: Glorot-uniform input and output kernels, orthogonal recurrent kernel."""
    rng = np.random.default_rng(seed)
    V = len(vocab)
    return CharNet(list(vocab), glorot_uniform((V, units), rng), orthogonal(units, rng),
                   np.zeros(units), glorot_uniform((units, V), rng), np.zeros(V))


def _step(net: CharNet, x: int, state: rec.State):
    """Feed character x: (the new state, the step's cache, the next character's distribution).
    W's row x is x's one-hot times W: the step's projected input."""
    state, cache = rec.step(net.cell, (net.Wx[x] + net.b)[None], state)
    return state, cache, softmax(cache.h[0] @ net.Wy + net.by)


@dataclass
class Pass:
    """One word read through the network: what went in and came out at every step."""
    inputs: list[int]  # the character index fed at each step
    targets: list[int]  # the character that should come next
    tape: rec.Tape  # the SimpleRNN's steps, a batch of one
    p: np.ndarray  # (T, V) softmax outputs


def run_word(net: CharNet, word: str, mode: str = "teacher") -> Pass:
    """Read ``word`` (its characters must be in the vocabulary): teacher forcing feeds the true
    characters, ``own`` feeds the network's own most likely character after the first."""
    if mode not in MODES:
        raise InvalidInput("args.choice", name="mode", got=repr(mode), choices=", ".join(MODES))
    index = {c: i for i, c in enumerate(net.vocab)}
    chars = [index[c] for c in word]
    T = len(chars) - 1
    p = np.zeros((T, len(net.vocab)))
    state, caches, inputs = rec.initial_state(net.cell, 1), [], []
    x = chars[0]
    for t in range(T):
        inputs.append(x)
        state, cache, p[t] = _step(net, x, state)
        caches.append(cache)
        x = chars[t + 1] if mode == "teacher" else int(np.argmax(p[t]))
    one_hot = np.eye(len(net.vocab))[inputs][:, None]  # (T, 1, V)
    return Pass(inputs, chars[1:], rec.Tape(one_hot, caches), p)


def loss_and_grads(net: CharNet, words: list[str], mode: str = "teacher"
                   ) -> tuple[float, dict[str, np.ndarray], int, int]:
    """Mean cross-entropy over every predicted character of every word, its gradients (BPTT;
    a fed-back prediction is an input, not a path for the gradient), and (right, total)."""
    runs = [run_word(net, word, mode) for word in words]
    p = np.concatenate([r.p for r in runs])
    targets = np.array([t for r in runs for t in r.targets])
    loss, d_logits = softmax_crossentropy(p, targets)
    grads = {k: np.zeros_like(v) for k, v in net.params().items()}
    start = 0
    for r in runs:
        dz = d_logits[start:start + len(r.targets)]
        start += len(dz)
        h = r.tape.H[1:, 0]  # (T, n)
        grads["Wy"] += h.T @ dz
        grads["by"] += dz.sum(0)
        dH = (dz @ net.Wy.T)[:, None]  # (T, 1, n): dL/dh_t from the outputs
        for name, g in zip(("Wx", "Wh", "b"), rec.backward(net.cell, r.tape, dH)):
            grads[name] += g
    return loss, grads, int(np.sum(np.argmax(p, axis=1) == targets)), len(targets)


# --- Training --------------------------------------------------------------------------------------
@dataclass
class Training:
    """Epoch by epoch: loss, and next-character accuracy measured the way it trains and the way
    it generates (fed its own outputs)."""
    net: CharNet
    mode: str
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)  # as trained
    generated: list[float] = field(default_factory=list)  # fed its own outputs
    diverged: bool = False
    asked: int = 0  # the epochs asked for; fewer ran when the work budget cut them


def accuracy(net: CharNet, words: list[str], mode: str) -> float:
    right = total = 0
    for word in words:
        r = run_word(net, word, mode)
        right += int(np.sum(np.argmax(r.p, axis=1) == np.array(r.targets)))
        total += len(r.targets)
    return right / total


def train(words: list[str], mode: str = "teacher", units: int = 16, lr: float = 0.02,
          epochs: int = 200, seed: int = 0) -> Training:
    """Full-batch Adam for ``epochs`` epochs (stops early when a step diverges, and at
    ``MAX_CHAR_EPOCHS`` characters predicted in all)."""
    if not 1 <= epochs <= 10_000:
        raise InvalidInput("args.range", name="epochs", lo=1, hi=10_000, got=epochs)
    net = init_net(vocabulary(words), units, seed)
    opt = Adam(lr=lr)
    out = Training(net, mode, asked=epochs)
    chars = sum(len(w) - 1 for w in words)
    for _ in range(min(epochs, max(1, MAX_CHAR_EPOCHS // chars))):
        loss, grads, right, count = loss_and_grads(net, words, mode)
        if not np.isfinite(loss) or not all(np.isfinite(g).all() for g in grads.values()):
            out.diverged = True
            break
        out.loss.append(loss)
        out.accuracy.append(right / count)
        out.generated.append(accuracy(net, words, "own"))
        params = net.params()
        opt.step(list(params.values()), [grads[k] for k in params])
    return out


# --- Generation ------------------------------------------------------------------------------------
@dataclass
class Step:
    fed: str  # the character that went in
    probabilities: dict[str, float]  # the next character's distribution
    chosen: str  # the most likely one (or the one forced in)
    forced: bool = False


def generate(net: CharNet, first: str, length: int, force: dict[int, str] | None = None
             ) -> list[Step]:
    """Feed ``first``, then each step's most likely character, ``length - 1`` times. ``force``
    replaces the choice at a step (1-based) with another character: one wrong character, and
    what the network makes of the rest."""
    if first not in net.vocab:
        raise InvalidInput("charseq.err.unknown_first", char=first)
    force = force or {}
    index = {c: i for i, c in enumerate(net.vocab)}
    state = rec.initial_state(net.cell, 1)
    x, steps = index[first], []
    for t in range(1, length):
        state, _, p = _step(net, x, state)
        chosen = force.get(t, net.vocab[int(np.argmax(p))])
        steps.append(Step(net.vocab[x], dict(zip(net.vocab, p.tolist())), chosen, t in force))
        x = index[chosen]
    return steps
