"""Every page's controls in one table, as TensorFlow Playground keeps its settings in ``state.ts``.

Each row is one control: key (also its name in the URL), kind, range or options, default, and
the locale key of its label (``ui.controls.Control``). Pages draw a control by its key; the
widget, the link and the presets come from the row, so a range or a default is written once.
"""

from __future__ import annotations

from lab.networks import charseq, mlp, perceptron as pc, rnn
from lab.models import experiments as ex
from lab.core import i18n
from lab.data import imdb, sequences as sq, stock, text as tx
from lab.lessons.errata import ALL as ERRATA_ALL, LECTURES
from lab.lessons import walkthrough
from lab.figures.structures import STRUCTURES
from lab.models.imdb_model import DEFAULT_PRESET, DEFAULT_SETTINGS
from lab.maths.kinds import KINDS
from lab.models.stock_model import PRESETS as STOCK_PRESETS, Preset
from ui.controls import Control as C, Controls

SEEDS = dict(lo=0, hi=9999)  # every seed box

# --- Sidebar (drawn on every page, before the page: a link's language names the page) ---------
SIDEBAR = Controls(
    "_sidebar",
    C("lang", "segmented", "sidebar.language", i18n.DEFAULT, options=tuple(i18n.languages()),
      names=lambda code, lang=None: i18n.languages()[code]),
    C("presenter", "toggle", "sidebar.presenter", False, help="sidebar.presenter_help"),
)

HOME = Controls("")

# --- Perceptron (lecture 000) -------------------------------------------------------------------
ETA = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)  # log-spaced
PERCEPTRON = Controls(
    "perceptron",
    C("pc_gate", "radio", "perceptron.gate", "AND", options=tuple(pc.GATES)),
    C("pc_eta", "select_slider", "perceptron.eta", 0.1, options=ETA),
    C("pc_passes", "number", "perceptron.passes", 10, 1, pc.MAX_PASSES),
    C("pc_init", "radio", "perceptron.init", "zeros", options=("zeros", "random"),
      names="perceptron.init_option", help="perceptron.init_help"),
    C("pc_seed", "number", "perceptron.seed", 0, **SEEDS),
    C("pc_by_pass", "toggle", "perceptron.by_pass", False),
    C("sg_w1", "number", "perceptron.w1", pc.LECTURE_W[0], -100.0, 100.0, 0.01, format="%.3f"),
    C("sg_w2", "number", "perceptron.w2", pc.LECTURE_W[1], -100.0, 100.0, 0.01, format="%.3f"),
    C("sg_b", "number", "perceptron.b", pc.LECTURE_B, -100.0, 100.0, 0.01, format="%.3f"),
    C("sg_gate", "select", "perceptron.targets", "OR", options=tuple(pc.GATES)),
    state=("update",),  # the update reached, replayed from a link
)

# --- XOR (lecture 000) ------------------------------------------------------------------------
XOR_LR = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)  # log-spaced
XOR_LECTURE_LR = 0.1
XOR = Controls(
    "xor",
    C("xor_start", "radio", "xor.start", "random", options=("random", "lecture"),
      names="xor.start_option", help="xor.start_help"),
    C("xor_h", "slider", "xor.hidden", 3, mlp.H_MIN, mlp.H_MAX),
    # 0.5 converges in about 1,100 steps; the lecture's 0.1 needs about 5,400
    C("xor_lr", "select_slider", "xor.lr", 0.5, options=XOR_LR),
    C("xor_seed", "number", "xor.seed", 0, **SEEDS),
    C("xor_spt", "select_slider", "xor.spt", 50, options=(1, 10, 50, 100, 500)),
    C("xor_heat", "toggle", "xor.heatmap", True),
    C("xor_3d", "toggle", "xor.three_d", False),
    state=("steps",),  # the training steps, replayed from a link at its learning rate
)

# --- Unrolled RNN (lectures 000-004) --------------------------------------------------------------
RNN_LR = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
SHAPE_PRESETS = {"lecture_001": (32, 100, 100, 32, 1),  # IMDB one-hot, SimpleRNN(32)
                 "lecture_002": (32, 20, 1, 128, 1),  # sine, SimpleRNN(128) + Dense(1)
                 "lecture_000": (4, 7, 11, 8, 1)}  # the four words
RNN = Controls(
    "rnn",
    C("w_units", "slider", "rnn.units", 8, 2, 16),
    C("w_lr", "select_slider", "rnn.lr", 0.05, options=RNN_LR),
    C("w_seed", "number", "rnn.seed", 0, **SEEDS),
    C("w_typed", "text", "rnn.typed", "so bad", max_chars=100),
    C("s_steps", "slider", "rnn.time_steps", 20, 2, 60),
    C("s_units", "slider", "rnn.units", 16, 2, 128),  # lecture 002: SimpleRNN(128)
    C("s_lr", "select_slider", "rnn.lr", 0.01, options=RNN_LR),
    C("s_seed", "number", "rnn.seed", 0, **SEEDS),
    C("u_source", "radio", "rnn.sequence", "lecture", options=("lecture", "typed", "sine"),
      names="rnn.source"),
    C("u_word", "select", "rnn.word", "good", options=tuple(sq.LECTURE_WORDS)),
    C("u_typed", "text", "rnn.word", "good", max_chars=100),
    C("u_start", "slider", "rnn.segment_start", 0, 0, 997),
    C("u_upto", "slider", "rnn.upto", 1000, 1, 1000),  # drawn up to the sequence's length
    C("sh_preset", "select", "rnn.setting", "lecture_001", options=tuple(SHAPE_PRESETS),
      names="rnn.shape_preset"),
    C("g_T", "slider", "rnn.flow_T", 100, 1, 200),
    C("g_radius", "slider", "rnn.scale", 1.0, 0.1, 3.0, 0.05),
    C("g_act", "radio", "rnn.activation", rnn.ACTIVATIONS[0], options=tuple(rnn.ACTIVATIONS)),
    C("g_k", "slider", "rnn.k", 200, 1, 200),  # drawn up to T: all steps by default
)

# --- Sequence structures and teacher forcing (lectures 002, 004) ----------------------------------
STRUCTURE = Controls(
    "structures",
    C("sq_kind", "radio", "structures.kind", "many_to_many", options=STRUCTURES,
      names="structures.kind_option"),
    C("sq_words", "text", "structures.words", ", ".join(charseq.DEFAULT_WORDS), max_chars=200,
      help="structures.words_help"),
    C("sq_units", "slider", "structures.units", 16, 2, 64),
    C("sq_lr", "select_slider", "structures.lr", 0.02, options=(0.005, 0.01, 0.02, 0.05, 0.1)),
    C("sq_epochs", "slider", "structures.epochs", 200, 10, 1000, 10),
    C("sq_seed", "number", "structures.seed", 0, **SEEDS),
    C("sq_gen_mode", "radio", "structures.gen_mode", "teacher", options=charseq.MODES,
      names="structures.mode"),
    C("sq_word", "select", "structures.word", charseq.DEFAULT_WORDS[0],
      options=charseq.DEFAULT_WORDS, dynamic=True),  # drawn with the words typed
    C("sq_force_at", "slider", "structures.force_at", 0, 0, charseq.MAX_WORD_CHARS - 1,
      help="structures.force_help"),
    C("sq_force_char", "select", "structures.force_char", "대",
      options=tuple(charseq.vocabulary(list(charseq.DEFAULT_WORDS))), dynamic=True),
)

# --- Gate inspector (lectures 002-004) ----------------------------------------------------------
DEFAULT_TOY = "3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"
GATES = Controls(
    "gates",
    C("gi_kind", "radio", "gates.layer", "LSTM", options=("LSTM", "GRU", "SimpleRNN")),
    C("gi_source", "radio", "gates.input", "toy", options=("toy", "sentence"),
      names="gates.source"),
    C("gi_f", "slider", "gates.keep_label.lstm", 0.0, -8.0, 8.0, 0.5, help="gates.shift_help"),
    C("gi_i", "slider", "gates.input_shift", 0.0, -8.0, 8.0, 0.5),
    C("gi_toy", "text", "gates.toy", DEFAULT_TOY, max_chars=3000),
    C("gi_seed", "number", "gates.seed", 0, **SEEDS),
    C("gi_sentence", "text", "gates.sentence", "so good", max_chars=500),
    C("gi_t", "slider", "gates.time_step", 2, 1, sq.MAX_STEPS),
    C("gi_unit", "slider", "gates.unit", 0, 0, 4096),
    C("gm_L", "multiselect", "gates.lengths", (5, 20, 50, 100),
      options=(5, 10, 20, 30, 50, 70, 100)),
    C("gm_units", "slider", "gates.units", 8, 2, 32),
    C("gm_epochs", "slider", "gates.epochs", 10, 1, 40),
    C("gm_n", "select_slider", "gates.n_train", 512, options=(256, 512, 1024, 2048)),
    C("gm_fb", "select_slider", "gates.forget_bias", 1.0, options=(1.0, 2.0, 3.0, 5.0),
      help="gates.forget_bias_help"),
    C("gp_d", "number", "gates.d", 16, 1, 100_000),
    C("gp_n", "number", "gates.n", 8, 1, 4096),
)

# --- Stock forecast (lectures 000, 002) --------------------------------------------------------------
FIRST_STOCK = next(iter(STOCK_PRESETS))


def stock_preset(p: Preset) -> dict:
    """A stock preset as the values of the page's controls."""
    return dict(
        sk_features=tuple(p.prep.features), sk_target=p.prep.target, sk_window=p.prep.window_size,
        sk_train=int(round(p.prep.train_fraction * 100)), sk_lecture=p.prep.lecture_scaling,
        sk_kind=p.model.kind, sk_units=p.model.units, sk_act=p.model.activation,
        sk_epochs=p.model.epochs, sk_lr=p.model.lr, sk_batch=p.model.batch_size,
        sk_early=p.model.validation > 0)


_S = stock_preset(STOCK_PRESETS[FIRST_STOCK])  # the page opens on the first preset
STOCK = Controls(
    "stock",
    C("sk_preset", "select", "stock.preset", FIRST_STOCK, options=tuple(STOCK_PRESETS),
      names="stock.preset_title"),
    C("sk_source", "radio", "stock.prices", "embedded", options=("embedded", "upload", "online"),
      names="stock.source"),
    C("sk_ticker", "select", "stock.series", stock.EMBEDDED_TICKERS[0],
      options=tuple(stock.EMBEDDED_TICKERS)),
    C("sk_symbol", "text", "stock.ticker", "005930.KS", max_chars=20),
    # an upload's days (lab.data.stock.within): empty is the file's first or last day
    C("sk_from", "text", "stock.range_from", "", max_chars=10),
    C("sk_to", "text", "stock.range_to", "", max_chars=10),
    C("sk_features", "multiselect", "stock.features", _S["sk_features"],
      options=tuple(stock.FEATURES)),
    C("sk_target", "radio", "stock.target", _S["sk_target"], options=tuple(stock.TARGETS),
      names="stock.target_option"),
    C("sk_window", "slider", "stock.window", _S["sk_window"], 2, 60),
    C("sk_train", "slider", "stock.train_part", _S["sk_train"], 50, 95, 5),
    C("sk_lecture", "toggle", "stock.lecture_mode", _S["sk_lecture"]),
    C("sk_kind", "select", "stock.layer", _S["sk_kind"], options=tuple(KINDS)),
    C("sk_units", "select_slider", "stock.units", _S["sk_units"],
      options=(4, 8, 16, 32, 64, 128, 256)),
    C("sk_act", "select", "stock.activation", _S["sk_act"], options=("tanh", "relu")),
    C("sk_epochs", "slider", "stock.epochs", _S["sk_epochs"], 1, 100),
    C("sk_lr", "select_slider", "stock.lr", _S["sk_lr"],
      options=(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)),
    C("sk_batch", "select_slider", "stock.batch", _S["sk_batch"],
      options=(8, 16, 32, 64, 128, 256)),
    C("sk_early", "toggle", "stock.early", _S["sk_early"]),
)

# --- IMDB classifier (all lectures) ----------------------------------------------------------------
_M = DEFAULT_SETTINGS
IMDB = Controls(
    "imdb",
    # the Keras reviews once lab.prepare has fetched them, else the generated ones
    C("im_source", "radio", "imdb.reviews",
      lambda: "keras" if imdb.KERAS_FILE.exists() else "generated",
      options=("keras", "csv", "generated", "folder"), names="imdb.source"),
    C("im_preset", "select", "imdb.vocabulary", DEFAULT_PRESET,
      options=tuple(imdb.PRESETS), names="imdb.preset"),
    C("im_folder", "text", "imdb.folder", "~/aclImdb", max_chars=1000),
    C("im_kind", "select", "imdb.layer", _M.kind, options=tuple(KINDS)),
    C("im_emb", "select_slider", "imdb.embedding", _M.embedding, options=(8, 16, 32, 64, 128)),
    C("im_units", "select_slider", "imdb.units", _M.units, options=(4, 8, 16, 32, 64, 128)),
    C("im_epochs", "slider", "imdb.epochs", _M.epochs, 1, 20),
    C("im_opt", "select", "imdb.optimizer", _M.optimizer, options=("adam", "rmsprop", "sgd")),
    C("im_lr", "select_slider", "imdb.lr", _M.lr,
      options=(1e-4, 3e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2, 1e-1)),
    C("im_thr", "slider", "imdb.threshold", 0.5, 0.0, 1.0, 0.01),
    C("im_cfp", "number", "imdb.cost_fp", 1.0, 0.0, 100.0, 0.5),
    C("im_cfn", "number", "imdb.cost_fn", 1.0, 0.0, 100.0, 0.5),
    C("im_review", "text_area", "imdb.review", "", max_chars=5000),
)

# --- IMDB experiments (lectures 000, 001, 003, 004) ---------------------------------------------
EXPERIMENTS = Controls(
    "experiments",
    C("ex_source", "radio", "experiments.source",
      lambda: "keras" if imdb.KERAS_FILE.exists() else "generated",
      options=("keras", "generated"), names="imdb.source"),
    C("ex_maxlen", "slider", "experiments.maxlen", 100, 10, 500, 10),
    C("ex_id", "select", "experiments.experiment", next(iter(ex.EXPERIMENTS)),
      options=tuple(ex.EXPERIMENTS), names="experiments.exp"),
    C("ex_epochs", "slider", "experiments.epochs", ex.PAGE_EPOCHS, 1, 100),
)

# --- Text as numbers (lecture 002) ----------------------------------------------------------------
TEXT_CHARS = 2_000  # what the boxes accept; lab.data.text refuses anything longer than MAX_CHARS
TEXT = Controls(
    "text",
    C("tx_samples", "text_area", "text.samples", "\n".join(tx.LECTURE_SAMPLES),
      max_chars=TEXT_CHARS, height=110),
    C("tx_maxlen", "slider", "text.max_length", tx.LECTURE_MAX_LENGTH, 1, 50),
    C("tx_sample", "slider", "text.sample", 1, 1, 100),
    C("tx_reviews", "radio", "text.embedding_source",
      lambda: "keras" if imdb.KERAS_FILE.exists() else "generated",
      options=("keras", "generated"), names="imdb.source"),
    C("tx_word", "text", "text.word", "", max_chars=40),
    C("tx_a", "text", "text.analogy_a", "", max_chars=40),
    C("tx_b", "text", "text.analogy_b", "", max_chars=40),
    C("tx_c", "text", "text.analogy_c", "", max_chars=40),
    C("tx_corpus", "text_area", "text.corpus", "\n".join(tx.LECTURE_CORPUS),
      max_chars=TEXT_CHARS, height=110),
    C("tx_window", "slider", "text.window", 1, 1, 5),
    C("tx_xmax", "slider", "text.x_max", float(tx.GLOVE_X_MAX), 1.0, 1000.0),
    C("tx_alpha", "slider", "text.alpha", tx.GLOVE_ALPHA, 0.05, 1.0, 0.05),
)

# --- Lecture errata and glossary (lectures 000-004) -------------------------------------------------
ERRATA = Controls(
    "errata",
    C("er_lecture", "select", "errata.lecture", ERRATA_ALL, options=(ERRATA_ALL, *LECTURES),
      names="errata.lecture_option"),
    C("gl_find", "text", "errata.find", "", max_chars=60),
)

# --- Walk-throughs (lab/lectures/walkthroughs.toml, ui.walkthrough) ---------------------------------
# The step a page's walk-through is at, a control like the others: a link opens at it, a room's
# followers step with the lecturer, who may lock it. 0: the page as it opened.
WALK_KEY = "{page}_walk"
for _table in (PERCEPTRON, XOR, RNN, STRUCTURE, GATES, STOCK, TEXT, IMDB, EXPERIMENTS):
    _walk = C(WALK_KEY.format(page=_table.page), "number", "walkthrough.step", 0, 0,
              len(walkthrough.steps(_table.page)), help="walkthrough.step_help")
    _table.by_key[_walk.key] = _walk
