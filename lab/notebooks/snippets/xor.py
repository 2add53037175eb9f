"""Not a module: the XOR page's notebook cells (``lab.notebooks.xor``), one per ``# %% name``
block (Jupytext's percent format); they read the notebook's settings."""

# %% data
import numpy as np
import keras

x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]).astype("float32")
y = np.array([[0], [1], [1], [0]]).astype("float32")

# %% fit
model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
              loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=STEPS, batch_size=4, verbose=0)
loss, accuracy = model.evaluate(x, y, verbose=0)
predicted = model.predict(x, verbose=0)
print(predicted)
