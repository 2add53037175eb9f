"""Not a module: the IMDB page's notebook cells (``lab.notebooks.imdb``), one per
``# %% name`` block (Jupytext's percent format); they read the notebook's settings."""

# %% load
import numpy as np
import keras

(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(
    num_words=NUM_WORDS, skip_top=SKIP_TOP)

# %% drop_oov
x_train = [[w for w in x if w > 2] for x in x_train]  # lecture 001: the ids left at 2 go
x_test = [[w for w in x if w > 2] for x in x_test]

# %% pad
x_train = keras.utils.pad_sequences(x_train, maxlen=MAXLEN)
x_test = keras.utils.pad_sequences(x_test, maxlen=MAXLEN)
print(x_train.shape, x_test.shape)

# %% score
p_test = model.predict(x_test, batch_size=512, verbose=0)[:, 0]
accuracy = float(((p_test >= THRESHOLD) == y_test).mean())  # at the threshold
print(accuracy)
