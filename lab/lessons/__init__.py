"""What a lesson plays and explains: the browser player's contract and the XOR, perceptron and RNN playbacks, and the lectures' errata."""
