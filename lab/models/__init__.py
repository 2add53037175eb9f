"""The trained models of each lesson, built on the training service: the stock forecaster, the IMDB classifier, the gate inspector's memory task, the lectures' experiments, the RNN page's demos."""
