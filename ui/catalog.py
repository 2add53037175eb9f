"""The lessons of the lab, in lecture order.

``app.py`` builds the navigation from this list and the home page describes it, so a page is
added in one place. Only pages that are really built are listed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    script: str  # file under pages/
    title: str
    icon: str
    url_path: str
    lecture: str  # which lecture note it follows (see ../shared/seeds/README.md)
    teaches: str
    keras: bool = False  # its default view trains a Keras model (imports TensorFlow)


LESSONS: list[Lesson] = [
    Lesson("pages/perceptron.py", "Perceptron learning rule", ":material/linear_scale:",
           "perceptron", "Lecture 000 (sections 4.1-4.2)",
           "Rosenblatt's rule `w_i <- w_i + eta*x_i*(t - f(net))` on AND, OR and XOR, one sample "
           "at a time; why it settles on AND/OR and cycles forever on XOR; the sigmoid neuron's "
           "worked table and its gradient step, with the true values beside the slide's."),
    Lesson("pages/xor.py", "XOR hidden units", ":material/hub:", "xor",
           "Lecture 000 (sections 4.2-4.4)",
           "A 2-H-1 sigmoid network trained live by back-propagation: the loss, the output's "
           "decision boundary, each hidden unit's line, and the hidden space where one line "
           "separates XOR. The lecture's hand-made weights are a preset."),
    Lesson("pages/rnn.py", "Unrolled RNN", ":material/repeat:", "rnn",
           "Lectures 000, 001, 002 and 004",
           "The recurrence `h_t = tanh(x_t W1x + h_{t-1} W1h + b1)` unrolled step by step with "
           "every number shown; shapes and parameter counts; back-propagation through time and "
           "why gradients vanish or explode (`w^n`); a character RNN learning 'good' vs 'bad' "
           "and an RNN forecasting `sin(2x) + cos(x/2)`, trained live."),
    Lesson("pages/gates.py", "Gate inspector", ":material/tune:", "gates",
           "Lectures 002, 003 and 004",
           "Every LSTM gate (i, f, g, o, c, h) and GRU gate (z, r, g, h) over time as heat-maps, "
           "with the equations at any step filled in; forget- and input-bias sliders that make "
           "the cell keep or erase its memory; a long-range memory experiment comparing "
           "SimpleRNN, LSTM and GRU; parameter counts (LSTM = 4x SimpleRNN)."),
    Lesson("pages/stock.py", "Stock forecast", ":material/show_chart:", "stock",
           "Lectures 000 and 002",
           "Daily prices cut into windows (`window_size` days -> the next close or return), "
           "MinMax scaling fitted on the training part (or on everything, as the lectures do, "
           "with the leak shown), a SimpleRNN/LSTM/GRU trained with a live loss curve, and an "
           "honest score: RMSE, MAE and R-squared on prices and on returns, direction, and the "
           "naive forecast 'tomorrow = today' on the same days. Lecture 000 and 002 presets.",
           keras=True),
    Lesson("pages/imdb.py", "IMDB classifier and threshold", ":material/rate_review:", "imdb",
           "Lectures 000-004 (threshold sweep: 002)",
           "Movie reviews as word ids (Keras's conventions), an Embedding + SimpleRNN/LSTM/GRU "
           "sentiment classifier trained with live curves, and the decision threshold as a "
           "slider: confusion matrix, precision, recall, F1, the misclassification sweep with "
           "the lecture's 0.4-0.8 window, ROC and precision-recall, costs; your own review read "
           "word by word.", keras=True),
]
