"""The current settings of a page that trains, as a take-home Jupyter notebook (issue 26).

One builder per page, ``build(settings, numbers, language) -> nbformat.NotebookNode``: the
lecture's Keras code for these settings, the same data from the same source, and the numbers
the page showed (or that it has not trained them yet), so a student can rerun it at home or in
a hosted notebook. The cells every notebook shares are in :mod:`lab.notebooks.cells`, the Keras
layers written from the lab's own tables in :mod:`lab.notebooks.keras_code`.
"""
