"""The maths kernel: every formula the NumPy networks share, each written once and proven
against Keras/TensorFlow in tests/test_maths.py.

    activations  ACTIVATIONS: name -> Activation(f, slope), slope from the output;
                 sigmoid, softmax
    losses       mse, binary_crossentropy, softmax_crossentropy: (loss, gradient)
    init         glorot_uniform, orthogonal, zeros: Keras's default initialisers
    adam         Adam: keras.optimizers.Adam's arithmetic, float32 and float64
    recurrent    SimpleRNN / LSTM / GRU in Keras's weight layout (Cell, init_cell)
    kinds        the table of recurrent layer kinds: gate and parameter counts, Keras classes

The recurrent interface (a faster compiled kernel may stand behind the same functions):

    initial_state(cell, B) -> state                    zeros, as Keras starts a sequence
    project(cell, X) -> XW + b                         every step's input part at once
    step(cell, xw_t, state) -> (state, cache)          one step; xw_t = project(cell, X)[t]
    step_back(cell, cache, d_state) -> (d_state_prev, d_input, d_recurrent)
    forward(cell, X) -> Tape                           X (T, B, d), time-major, zero start
    backward(cell, tape, dH) -> [d_kernel, d_recurrent_kernel, d_bias]
                                                       dH (T, B, n): dL/dh_t from the outputs
    pre_activation_grads(cell, tape, dH) -> dZ          (T, B, G n): what backward sums

``state`` is (h, c), c None except for LSTM. A Tape is the inputs and one Cache a step:
``tape.H`` (T + 1, B, n) the hidden states, ``tape.stacked("gates")`` / ``("pre")`` every
gate's output / pre-activation (T, B, G n, blocks named by GATE_NAMES).
The forecaster (lab.networks.seqnet) and the lecture's RNN (lab.networks.rnn) call forward/backward; the
character model (lab.networks.charseq) steps by hand, since its next input may be its own output, and
gives its caches to backward; the gate inspector (lab.networks.cells) reads the tape's gates,
pre-activations and cell states ("c").

This package imports only ``lab.core`` from the rest of ``lab``.
"""

from lab.maths.activations import ACTIVATIONS, Activation, activation, sigmoid, softmax
from lab.maths.adam import Adam
from lab.maths.init import glorot_uniform, orthogonal, zeros
from lab.maths.losses import EPSILON, binary_crossentropy, mse, softmax_crossentropy

__all__ = ["ACTIVATIONS", "Activation", "Adam", "EPSILON", "activation", "binary_crossentropy",
           "glorot_uniform", "mse", "orthogonal", "sigmoid", "softmax", "softmax_crossentropy",
           "zeros"]
