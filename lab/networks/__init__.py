"""The networks written by hand in NumPy (perceptron, XOR MLP, RNN cells, sequence nets, character model), and the Keras references they are proven equal to."""
