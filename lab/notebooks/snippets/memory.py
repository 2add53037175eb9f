"""Not a module: the gate page's memory-experiment notebook cells (``lab.notebooks.memory``),
one per ``# %% name`` block (Jupytext's percent format); they read the notebook's settings."""

# %% imports
import numpy as np
import keras

# %% task
def first_token_task(n, length, seed):
    """x: n sequences of `length` random signs (n, length, 1); y = 1 where the first is +1."""
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(n, length, 1))
    return x, (x[:, 0, :] > 0).astype(float)

# %% model
def make_model(kind):
    model = keras.Sequential([
        keras.Input((None, 1)),
        getattr(keras.layers, kind)(UNITS),  # SimpleRNN, LSTM or GRU
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    if kind == "LSTM" and LSTM_FORGET_BIAS != 1.0:  # Keras starts the forget bias at 1
        kernel, recurrent, bias = model.layers[0].get_weights()
        bias[UNITS:2 * UNITS] = LSTM_FORGET_BIAS  # gate order i, f, c, o
        model.layers[0].set_weights([kernel, recurrent, bias])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model

# %% run
accuracy = {kind: [] for kind in KINDS}
for length in LENGTHS:
    for kind in KINDS:
        keras.utils.set_random_seed(SEED)
        x, y = first_token_task(N_TRAIN, length, SEED)
        x_test, y_test = first_token_task(N_TEST, length, SEED + 1)
        model = make_model(kind)
        model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
        accuracy[kind].append(float(model.evaluate(x_test, y_test, verbose=0, batch_size=256)[1]))
        print(length, kind, accuracy[kind][-1])  # test accuracy
