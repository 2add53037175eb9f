"""The IMDB reviews of the default model and of the IMDB notebook are read through the shared,
once-per-process ``lab.data.imdb.loaded``: the page, its default model and its notebook read
them once between them."""
from lab.data import imdb
from lab.models import imdb_model
from ui import notebook


def test_default_inputs_and_notebook_read_the_reviews_once(monkeypatch):
    imdb.forget_loaded()
    reads = []
    real = imdb.load
    monkeypatch.setattr(imdb, "load", lambda *a, **k: reads.append(a) or real(*a, **k))
    num_words, skip_top, maxlen = imdb.PRESETS[imdb_model.DEFAULT_PRESET]
    d = imdb_model.default_inputs("generated")
    again = imdb_model.default_inputs("generated")
    name, fingerprint, y_test = notebook._imdb_reviews("generated", num_words, skip_top,
                                                       maxlen, False)
    page = imdb.loaded("generated", num_words, skip_top, maxlen)
    assert len(reads) == 1
    assert again.x_train is d.x_train and page[1] is d.x_train
    assert (name, fingerprint) == (d.data.source, page[3])
    assert y_test is d.data.y_test
