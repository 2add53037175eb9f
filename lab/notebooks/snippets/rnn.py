"""Not a module: the unrolled-RNN page's notebook cells (``lab.notebooks.rnn_demos``), one per
``# %% name`` block (Jupytext's percent format); they read the notebook's settings."""

# %% imports
import numpy as np
import keras

# %% encode
def encode(word, vocab):
    return [vocab.index(c) for c in word]

# %% words_data
x, y, idx, vocab = word_dataset()
print(vocab)
print(idx)  # good -> [0, 0, 0, 6, 7, 7, 4]: padded at the front
print(x.shape)

# %% words_fit
words_model.compile(optimizer=keras.optimizers.Adam(learning_rate=WORDS_LEARNING_RATE),
                    loss="binary_crossentropy", metrics=["accuracy"])
words_history = words_model.fit(x, y, epochs=WORDS_EPOCHS, batch_size=len(x), verbose=0)
words_loss = (words_history.history.get("loss") or [float("nan")])[-1]
print(words_model.predict(x, verbose=0)[:, 0])  # P(positive) for each word

# %% sine_data
time, series = sine_series()
X = np.lib.stride_tricks.sliding_window_view(series, TIME_STEPS)[:-1, :, None]
Y = series[TIME_STEPS:, None]
cut = int(0.8 * len(X))
x_train, y_train, x_test, y_test = X[:cut], Y[:cut], X[cut:], Y[cut:]
print(X.shape, x_train.shape, x_test.shape)

# %% sine_fit
sine_model.compile(optimizer=keras.optimizers.Adam(learning_rate=SINE_LEARNING_RATE), loss="mse")
sine_history = sine_model.fit(x_train, y_train, epochs=SINE_EPOCHS, batch_size=SINE_BATCH_SIZE,
                              validation_data=(x_test, y_test), verbose=0)
sine_loss = (sine_history.history.get("val_loss") or [float("nan")])[-1]  # the test part's MSE
print(sine_loss)
