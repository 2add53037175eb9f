"""The lessons' data: truth tables, sequences and windows, stock prices, IMDB reviews, text as numbers."""
