"""One shared training service: the jobs and their fair queue, the store (memory -> disk -> train), the trained-model contract, the budget, and Keras fitting with progress."""
