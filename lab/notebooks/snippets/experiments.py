"""Not a module: the IMDB experiments page's notebook cells (``lab.notebooks.experiments``),
one per ``# %% name`` block (Jupytext's percent format); they read the notebook's settings."""

# %% imports
import numpy as np
import keras

# %% data
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data()  # every word
x_train_all, y_train = x_train[:TRAIN_REVIEWS], y_train[:TRAIN_REVIEWS]
x_test_all, y_test = x_test[:TEST_REVIEWS], y_test[:TEST_REVIEWS]
DATA_WORDS = max(max(x) for x in x_train_all if len(x)) + 1
results = {}


def prepared(num_words, skip_top, drop_oov, maxlen):
    """Ids outside [skip_top, num_words) become 2, as load_data(num_words, skip_top) makes
    them; lecture 001 then drops the 2s; padded at the front to maxlen."""
    def cut(seqs):
        seqs = [[w if skip_top <= w < num_words else 2 for w in s] for s in seqs]
        return [[w for w in s if w > 2] for s in seqs] if drop_oov else seqs
    return (keras.utils.pad_sequences(cut(x_train_all), maxlen=maxlen),
            keras.utils.pad_sequences(cut(x_test_all), maxlen=maxlen))

# %% score
p_test = model.predict(x_test, batch_size=512, verbose=0)[:, 0]
score = {"params": model.count_params(), "epochs_run": len(history.history["loss"]),
         "best_val_accuracy": max(history.history["val_accuracy"]),
         "test_accuracy": float(((p_test >= 0.5) == y_test).mean())}
score
