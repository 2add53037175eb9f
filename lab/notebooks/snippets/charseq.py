"""Not a module: the structure page's notebook cells (``lab.notebooks.charseq``), one per
``# %% name`` block (Jupytext's percent format); they read the notebook's settings."""

# %% imports
import numpy as np
import keras

# %% data
vocab = list(dict.fromkeys("".join(WORDS)))  # the characters, in order of first appearance
V, T = len(vocab), max(len(w) for w in WORDS) - 1
x = np.zeros((len(WORDS), T, V), "float32")  # step t reads character t (one-hot) ...
y = np.zeros((len(WORDS), T), "int32")  # ... and should give character t + 1
weight = np.zeros((len(WORDS), T), "float32")  # 0 after a shorter word's end
for i, word in enumerate(WORDS):
    for t in range(len(word) - 1):
        x[i, t, vocab.index(word[t])] = 1.0
        y[i, t] = vocab.index(word[t + 1])
        weight[i, t] = 1.0
print(vocab, x.shape)

# %% fit
model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
              loss="sparse_categorical_crossentropy")
history = model.fit(x, y, sample_weight=weight, epochs=EPOCHS, batch_size=len(WORDS), verbose=0)
# Keras averages over every step, the padded ones too (weight 0): per character, as the page
loss = history.history["loss"][-1] * weight.size / weight.sum()
print(loss)

# %% generate
def generate(first, length):
    """Feed `first`, then each step's most likely character (its own output)."""
    made = first
    for _ in range(length - 1):
        one_hot = np.eye(V, dtype="float32")[[vocab.index(c) for c in made]][None]
        p = model.predict(one_hot, verbose=0)[0, -1]
        made += vocab[int(np.argmax(p))]
    return made


made = {word: generate(word[0], len(word)) for word in WORDS}
right = sum(a == b for w, m in made.items() for a, b in zip(w[1:], m[1:]))
generated = right / sum(len(w) - 1 for w in WORDS)  # characters right when generating
print(made, generated)
