"""Questions on the sequence-structures page, on the next-character model of the words typed:
its parameter count, how many characters it predicts per pass, and what teacher forcing
feeds it at a step."""

from __future__ import annotations

from lab.maths import kinds
from lab.networks import charseq
from lab.questions.question import Question, clamp

MAX_OPTIONS = 6


def _words(s: dict) -> list[str]:
    return charseq.parse_words(s["sq_words"])


def parameters(s: dict, state: dict) -> Question | None:
    """SimpleRNN(n) on the one-hot characters (V wide) and Dense(V) on its outputs."""
    try:
        V = len(charseq.vocabulary(_words(s)))
    except ValueError:
        return None  # the page says what is wrong with the words
    n = int(s["sq_units"])
    count = kinds.param_count("SimpleRNN", V, n) + n * V + V
    return Question("structures.parameters", "numeric", float(count), dict(V=V, n=n))


def targets(s: dict, state: dict) -> Question | None:
    """Each word of L characters gives L - 1 predictions (the first character is only read)."""
    try:
        words = _words(s)
    except ValueError:
        return None
    return Question("structures.targets", "numeric", float(sum(len(w) - 1 for w in words)),
                    dict(words=", ".join(words), count=len(words),
                         sum=" + ".join(f"({len(w)} − 1)" for w in words)))


def forced_input(s: dict, state: dict) -> Question | None:
    """With teacher forcing, step j reads the word's true j-th character, whatever the network
    predicted at step j - 1 (and predicts character j + 1)."""
    try:
        words = _words(s)
    except ValueError:
        return None
    word = s["sq_word"] if s["sq_word"] in words else words[0]
    j = clamp(s["sq_force_at"], 1, len(word) - 2) + 1
    options = list(dict.fromkeys([*word, *charseq.vocabulary(words)]))[:MAX_OPTIONS]
    if word[j - 1] not in options:
        options[-1] = word[j - 1]
    return Question("structures.forced_input", "choice", word[j - 1],
                    dict(word=word, step=j, next=word[j]), options=tuple(options))


QUESTIONS = (parameters, targets, forced_input)
