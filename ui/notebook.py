"""The take-home notebook of the page on screen (issue 26, part 5): one download button,
"Take-home notebook (.ipynb)", in the sidebar of every page that trains.

While the page's script runs, its current settings are read from the session (the controls of
``ui.settings``, and what the page keeps there: the XOR run, the stock data, the IMDB data's
name), read only. The notebook itself is made only when the button is pressed (Streamlit's
deferred download, on a thread of its own, where there is no session): the numbers come from
the lab's stored model for these settings if it is trained (``lab.notebooks.*.numbers``), and
``lab.notebooks``' builder writes the cells in the page's language.
"""

from __future__ import annotations

import contextlib
import functools
from datetime import date
from typing import Any, Callable, Mapping

import streamlit as st

from lab.core.i18n import current, t
from lab.data import imdb
from lab.data import stock as stock_data
from lab.figures import stock as stock_views
from lab.models import experiments as ex, imdb_model, memory, rnn_demos, stock_model
from lab.networks import charseq as cs
from lab.notebooks import (charseq as nb_charseq, experiments as nb_experiments,
                           imdb as nb_imdb, memory as nb_memory, rnn_demos as nb_rnn,
                           stock as nb_stock, xor as nb_xor)
from lab.notebooks.cells import to_bytes
from ui import settings as S

Maker = Callable[[str], Any]  # language -> notebook


def _value(state: Mapping, table, key: str):
    """A control's value: the session's, else a link's (a page opened from a link that stopped
    before drawing it), else its default."""
    if key in state:
        return state[key]
    c, raws = table[key], st.query_params.get_all(key)
    try:
        if raws and c.kind == "multiselect":
            return tuple(o for o in c.options if c.url([o])[0] in raws)
        if raws and c.options:
            return next(o for o in c.options if c.matches(raws, o))
        if raws and c.kind == "toggle":
            return raws[0] == "true"
        if raws and c.lo is not None:
            return type(c.initial())(float(raws[0]))
        return raws[0] if raws else c.initial()
    except (StopIteration, ValueError):  # not a value of this control: Streamlit drops it too
        return c.initial()


def _xor(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.XOR, key)  # noqa: E731
    preset = v("xor_start") == "lecture"
    run = state["xor_state"] if "xor_state" in state else None
    s = nb_xor.Settings(preset, 3 if preset else int(v("xor_h")), int(v("xor_seed")),
                        float(v("xor_lr")), run.steps if run is not None else 0)
    params = run.params if run is not None else s.start()
    return lambda lang: nb_xor.build(s, nb_xor.numbers(params, s.steps), lang)


def _rnn(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.RNN, key)  # noqa: E731
    words = (state["words_state"] if "words_state" in state  # the demos as the page has them
             else rnn_demos.WordsDemo(v("w_units"), float(v("w_lr")), int(v("w_seed"))))
    sine = (state["sine_state"] if "sine_state" in state else rnn_demos.SineDemo(
        v("s_steps"), v("s_units"), float(v("s_lr")), int(v("s_seed"))))
    s = nb_rnn.Settings(words.n_c, words.lr, len(words.losses), sine.time_steps, sine.n_c,
                        sine.lr, len(sine.train_losses), sine.batch_size)
    return lambda lang: nb_rnn.build(s, nb_rnn.numbers(words, sine), lang)


def _structures(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.STRUCTURE, key)  # noqa: E731
    words = tuple(state["sq_last_words"] if "sq_last_words" in state else cs.DEFAULT_WORDS)
    units, lr, epochs, seed = int(v("sq_units")), float(v("sq_lr")), int(v("sq_epochs")), int(v("sq_seed"))

    def make(lang: str):
        run = cs.train(list(words), "teacher", units, lr, epochs, seed)  # a second or less
        s = nb_charseq.Settings(words, units, lr, len(run.loss), seed)
        return nb_charseq.build(s, nb_charseq.numbers(s, run), lang)
    return make


def _gates(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.GATES, key)  # noqa: E731
    if "gm_asked" in state:
        lengths, settings = state["gm_asked"]
    else:
        lengths = tuple(sorted(v("gm_L"))) or (5,)
        settings = memory.MemorySettings(units=v("gm_units"), epochs=v("gm_epochs"),
                                         n_train=v("gm_n"), lstm_forget_bias=v("gm_fb"))
    s = nb_memory.Settings(tuple(lengths), settings)

    def make(lang: str):
        found = memory.STORE.get(memory.experiment_key(lengths, settings))
        return nb_memory.build(s, nb_memory.numbers(found) if found else None, lang)
    return make


def _stock(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.STOCK, key)  # noqa: E731
    kind = v("sk_source")
    upload = state["sk_csv"] if "sk_csv" in state else None
    source = nb_stock.Source(
        kind, v("sk_symbol") if kind == "online" else v("sk_ticker"),
        upload.name if upload is not None else "prices.csv",
        state["sk_start"] if "sk_start" in state else date(2015, 1, 1),
        state["sk_end"] if "sk_end" in state else date.today(),
        **(dict(first=v("sk_from"), last=v("sk_to")) if kind == "upload" else {}))
    prep, model = stock_views.settings_from({c.key: v(c.key) for c in S.STOCK},
                                            stock_model.PRESETS[v("sk_preset")].model.patience)
    data = state["sk_last_data"] if "sk_last_data" in state else None
    s = nb_stock.Settings(source, prep, model)

    def make(lang: str):
        shown = None
        if data is not None:
            try:
                windows = stock_data.prepared(data, prep)
            except stock_data.DataError:
                windows = None
            found = windows and stock_model.STORE.get(stock_model.model_key(windows, model))
            if found and not found.diverged:
                shown = nb_stock.numbers(windows, found)
        return nb_stock.build(s, shown, lang)
    return make


def _imdb(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.IMDB, key)  # noqa: E731
    model = imdb_model.ModelSettings(kind=v("im_kind"), embedding=v("im_emb"),
                                     units=v("im_units"), epochs=v("im_epochs"),
                                     optimizer=v("im_opt"), lr=v("im_lr"))
    s = nb_imdb.Settings(v("im_source"), v("im_preset"), model, float(v("im_thr")))
    asked = state["im_last_data"][1] if "im_last_data" in state else None

    def make(lang: str):
        shown = None
        if asked is not None and asked[0] in ("keras", "generated"):  # the page's own names
            source, num_words, skip_top, maxlen = asked[:4]
            name, fingerprint, y_test = _imdb_reviews(source, num_words, skip_top, maxlen,
                                                      bool(asked[-1]))
            found = imdb_model.STORE.get(imdb_model.model_key(name, fingerprint, s.preset, model))
            if found is not None and not found.diverged:
                shown = nb_imdb.numbers(found, y_test, num_words, s.threshold)
        return nb_imdb.build(s, shown, lang)
    return make


def _imdb_reviews(source: str, num_words: int, skip_top: int, maxlen: int, drop_oov: bool):
    """(source name, fingerprint, test labels) of the IMDB page's reviews, as the page pads
    them: read once per process, shared with the page (:func:`lab.data.imdb.loaded`)."""
    data, _, _, fingerprint = imdb.loaded(source if source == "keras" else "generated",
                                          num_words, skip_top, maxlen, without_oov=drop_oov)
    return data.source, fingerprint, data.y_test


def _experiments(state: Mapping) -> Maker:
    v = lambda key: _value(state, S.EXPERIMENTS, key)  # noqa: E731
    s = nb_experiments.Settings(v("ex_id"), int(v("ex_epochs")), v("ex_source"))

    def make(lang: str):
        e = ex.EXPERIMENTS[s.experiment]
        fingerprints, y_test = _experiment_reviews(s.source, e.id)
        found = {}
        for net, fingerprint in zip(e.nets, fingerprints):
            result = ex.STORE.get(ex.key(s.source, fingerprint, net, ex.capped(e, s.epochs, net)))
            if result is not None and not result.diverged:
                found[net.id] = result
        shown = nb_experiments.numbers(e, found, y_test) if found else None
        return nb_experiments.build(s, shown, lang)
    return make


@functools.lru_cache(maxsize=16)
def _experiment_reviews(source: str, experiment: str):
    """(each net's data fingerprint, test labels) of an experiment, as the page prepares its
    reviews: once per server, not once per click."""
    data = ex.reviews(source)
    return [ex.prepare(data, net)[3] for net in ex.EXPERIMENTS[experiment].nets], data.y_test


MAKERS: dict[str, Callable[[Mapping], Maker]] = {  # page -> its notebook at the session's settings
    "xor": _xor, "rnn": _rnn, "structures": _structures, "gates": _gates, "stock": _stock,
    "imdb": _imdb, "experiments": _experiments}


@contextlib.contextmanager
def offered(url_path: str):
    """Run the page inside: the sidebar offers its notebook (nothing for a page that does not
    train). The button is drawn before the page, since nothing can be drawn after a page that
    stopped to wait for its Train or Run button (``st.stop``); it makes the notebook of the
    settings read once the page has run, or, for a page that stopped, of those it had then."""
    read = MAKERS.get(url_path)
    if read is None:
        yield
        return
    latest = [read(st.session_state)]
    lang = current()
    st.sidebar.download_button(t("notebooks.download"), lambda: to_bytes(latest[0](lang)),
                               f"{url_path}_{lang}.ipynb", "application/x-ipynb+json",
                               key="nb_download", help=t("notebooks.download_help"),
                               on_click="ignore", icon=":material/download:")
    yield
    latest[0] = read(st.session_state)  # the page drew its controls and kept its state
