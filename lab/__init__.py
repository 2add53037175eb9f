"""The lab: plain Python (no Streamlit, no ``ui``), in packages by role, layered bottom-up.

    core       errors as message keys, the locale catalogue, digests and caches, the cluster
    maths      activations, losses, initialisers, Adam, recurrent steps, kinds, geometry,
               threshold metrics
    data       truth tables, sequences, stock prices, IMDB reviews, text as numbers
    networks   the NumPy networks (perceptron, MLP, cells, RNN, seqnet, charseq), Keras refs
    training   the training service: jobs, the store, stored results, budgets, Keras fits
    models     what the pages train and keep: stock, IMDB, memory, experiments, RNN demos
    notebooks  the current settings as a take-home Jupyter notebook
    figures    Plotly figures and the views built from them, one module per lesson
    lessons    what a lesson plays and explains: playbacks, the lectures' errata
    questions  questions on the live model and walk-throughs
    classroom  a room led by the lecturer
    prepare    the entry point that prepares a machine offline (``python -m lab.prepare``)

A module may import only its own layer or a lower one (tests/test_layers.py reads LAYERS).
"""

LAYERS = ("core", "maths", "data", "networks", "training", "models", "notebooks", "figures",
          "lessons", "questions", "classroom", "prepare")
