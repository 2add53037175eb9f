"""The networks written by hand in NumPy (perceptron, XOR MLP, RNN cells, sequence nets, character model), the table of recurrent kinds, and the Keras references they are proven equal to."""
