"""Every registered page runs in Streamlit's AppTest: default view, key widgets, buttons."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.core.i18n import t
from tests.conftest import ROOT, lab_failures
from ui.catalog import LESSONS

APP = str(ROOT / "app.py")
TIMEOUT = 60


def open_page(script: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if script:
        at.switch_page(script)
    at.run()
    return at


def assert_clean(at: AppTest):
    assert not at.exception, [e.value for e in at.exception]


def assert_says(messages, expect: str | None, otherwise: str = "") -> None:
    """The page's ``messages`` (``at.warning``, ``at.error``...) hold ``expect``; with None,
    they do not hold ``otherwise`` (any message at all if it is "")."""
    said = " ".join(m.value for m in messages)
    if expect:
        assert expect in said
    else:
        assert (otherwise not in said) if otherwise else not said, said


def test_home_lists_every_lesson():
    at = open_page(None)
    assert_clean(at)
    assert at.title[0].value.startswith("Neural networks")
    text = " ".join(m.value for m in at.markdown)
    for lesson in LESSONS:
        assert lesson.teaches()[:40] in text


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.url_path)
def test_every_lesson_opens(lesson):
    at = open_page(lesson.script)
    assert_clean(at)
    assert at.title[0].value == lesson.title()


def test_perceptron_steps_resets_and_explains():
    at = open_page("pages/perceptron.py")
    assert any("AND is learned: pass 6" in s.value for s in at.success)
    for _ in range(5):
        at.button(key="perceptron__step").click().run()
    assert_clean(at)
    assert at.session_state["perceptron_state"] == 5
    assert any("pass 2, sample 1 of 4" in m.value for m in at.markdown)
    at.toggle(key="pc_by_pass").set_value(True).run()
    at.button(key="perceptron__step").click().run()
    assert at.session_state["perceptron_state"] == 9
    at.button(key="perceptron__reset").click().run()
    assert at.session_state["perceptron_state"] == 0

    at.radio(key="pc_gate").set_value("XOR").run()
    assert_clean(at)
    assert any("never learned" in e.value and "no straight line" in e.value.lower()
               or "No straight" in e.value for e in at.error)
    assert at.session_state["perceptron_state"] == 0, "new settings start over"


@pytest.mark.parametrize("eta", [0.001, 1.0])
def test_perceptron_eta_ends_and_long_runs(eta):
    at = open_page("pages/perceptron.py")
    at.select_slider(key="pc_eta").set_value(eta).run()
    at.number_input(key="pc_passes").set_value(5000).run()
    at.radio(key="pc_init").set_value("random").run()
    at.number_input(key="pc_seed").set_value(42).run()
    assert_clean(at)
    at.radio(key="pc_gate").set_value("OR").run()
    assert_clean(at)


def test_perceptron_passes_table_is_worked_out_once_opened():
    """The passes' table sits in an expander a room mostly leaves shut: a follower's page
    switch no longer builds it; opened, it shows every pass with its weights."""
    at = open_page("pages/perceptron.py")
    label = t("perceptron.passes_expander")
    assert not next(e for e in at.expander if e.label == label).dataframe
    at.session_state["pc_x_passes"] = True  # opened (its click reruns the page)
    at.run()
    assert_clean(at)
    passes = next(e for e in at.expander if e.label == label).dataframe[0].value
    assert len(passes) == at.number_input(key="pc_passes").value
    assert {"w0", "w1", "w2"} <= set(passes.columns)


def test_perceptron_sigmoid_tab_compares_with_the_slide():
    at = open_page("pages/perceptron.py")
    frames = [t for t in at.table] + [d for d in at.dataframe]
    assert frames
    cmp = at.dataframe[-1].value
    assert "lecture prints" in cmp.columns
    at.number_input(key="sg_w1").set_value(1.0).run()
    assert_clean(at)
    assert any("Set w1 = -0.16" in c.value for c in at.caption)


def test_xor_trains_steps_and_resets():
    at = open_page("pages/xor.py")
    assert at.session_state["xor_state"].steps == 0
    at.button(key="xor__step").click().run()
    assert_clean(at)
    assert at.session_state["xor_state"].steps == 50
    at.select_slider(key="xor_spt").set_value(500).run()
    for _ in range(3):
        at.button(key="xor__step").click().run()
    assert any("Converged after" in s.value for s in at.success)
    at.button(key="xor__reset").click().run()
    assert at.session_state["xor_state"].steps == 0


def test_xor_builds_the_loss_csv_only_when_it_is_downloaded(monkeypatch):
    """The loss curve's CSV (up to 200,000 rows) is handed to the download button as a
    callable, which Streamlit runs when the button is clicked, not built on every rerun."""
    from streamlit.elements.widgets import button

    handed, real = {}, button.marshall_file

    def spy(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        handed[file_name] = data
        return real(coordinates, data, proto, mimetype, file_name, **kwargs)
    monkeypatch.setattr(button, "marshall_file", spy)
    at = open_page("pages/xor.py")
    at.button(key="xor__step").click().run()
    assert_clean(at)
    data = handed["xor_loss.csv"]
    assert callable(data), "the CSV was built on the rerun"
    lines = data().decode().splitlines()
    assert lines[0] == "step,loss" and len(lines) == 51 and lines[1].startswith("1,")
    assert float(lines[-1].split(",")[1]) == at.session_state["xor_state"].losses[-1]


@pytest.mark.parametrize("hidden", [1, 2, 8])
def test_xor_hidden_sizes(hidden):
    at = open_page("pages/xor.py")
    at.slider(key="xor_h").set_value(hidden).run()
    at.button(key="xor__step").click().run()
    assert_clean(at)
    assert at.session_state["xor_state"].params.hidden == hidden
    if hidden == 1:
        assert any("cannot solve XOR" in w.value for w in at.warning)


def test_xor_extreme_learning_rate_and_preset_and_3d():
    at = open_page("pages/xor.py")
    at.select_slider(key="xor_lr").set_value(50.0).run()
    at.select_slider(key="xor_spt").set_value(500).run()
    at.button(key="xor__step").click().run()
    assert_clean(at)
    at.toggle(key="xor_3d").set_value(True).run()
    assert_clean(at)
    at.radio(key="xor_start").set_value("lecture").run()
    assert_clean(at)
    from lab.core.i18n import t
    from lab.lessons.xor_play import preset_outputs

    assert t("xor.preset_note", y=preset_outputs()) in [c.value for c in at.caption]
    assert at.session_state["xor_state"].params.hidden == 3


# --- Unrolled RNN ------------------------------------------------------------------------------
def test_rnn_default_view_shows_the_lecture_vocabulary():
    at = open_page("pages/rnn.py")
    assert_clean(at)
    text = " ".join(m.value for m in at.markdown)
    assert "[6, 7, 7, 4]" in text and "[0, 0, 0, 6, 7, 7, 4]" in text
    assert any("**4,256**" in m.value for m in at.markdown)  # lecture 001's SimpleRNN(32)


@pytest.mark.parametrize("typed,expect", [("", "type a word first"), ("xyz!", "not in the vocabulary"),
                                          ("g", None), ("so good so good so good", None)])
def test_rnn_typed_words(typed, expect):
    at = open_page("pages/rnn.py")
    at.radio(key="u_source").set_value("typed").run()
    at.text_input(key="u_typed").set_value(typed).run()
    at.text_input(key="w_typed").set_value(typed).run()
    assert_clean(at)
    assert_says(at.warning, expect, otherwise="Cannot")


def test_rnn_sine_segment_and_training_steps():
    at = open_page("pages/rnn.py")
    at.radio(key="u_source").set_value("sine").run()
    at.slider(key="u_start").set_value(500).run()
    assert_clean(at)
    at.button(key="words__step").click().run()
    at.button(key="sine__step").click().run()
    assert_clean(at)
    assert len(at.session_state["words_state"].losses) == 5
    assert len(at.session_state["sine_state"].train_losses) == 1
    at.slider(key="s_steps").set_value(2).run()
    assert_clean(at)
    assert at.session_state["sine_state"].x_train.shape[1] == 2
    at.button(key="sine__reset").click().run()
    assert at.session_state["sine_state"].train_losses == []


@pytest.mark.parametrize("radius,act,T", [(0.1, "sigmoid", 200), (3.0, "relu", 200),
                                          (3.0, "tanh", 1), (1.0, "relu", 2)])
def test_rnn_gradient_flow_extremes(radius, act, T):
    at = open_page("pages/rnn.py")
    at.slider(key="g_T").set_value(T).run()
    at.slider(key="g_radius").set_value(radius).run()
    at.radio(key="g_act").set_value(act).run()
    assert_clean(at)
    if (radius, act) == (3.0, "relu") and T == 200:
        assert any("overflowed" in e.value for e in at.error)


def test_rnn_truncation_and_shapes():
    at = open_page("pages/rnn.py")
    at.slider(key="g_k").set_value(5).run()
    assert_clean(at)
    at.selectbox(key="sh_preset").set_value("lecture_002").run()
    assert any("**16,769**" in m.value for m in at.markdown)


# --- Gate inspector ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_gates_toy_sequence_and_bias_sliders(kind):
    at = open_page("pages/gates.py")
    at.radio(key="gi_kind").set_value(kind).run()
    assert_clean(at)
    if kind != "SimpleRNN":  # a SimpleRNN has no gate to shift: the slider is disabled
        at.slider(key="gi_f").set_value(8.0).run()
    at.slider(key="gi_t").set_value(20).run()
    at.slider(key="gi_unit").set_value(3).run()
    assert_clean(at)
    assert at.code, "the equations with numbers are shown"


@pytest.mark.parametrize("text,problem", [("", "at least one number"), ("3, x, 1", "'x'"),
                                          ("5", None), (", ".join(["1"] * 600), None)])
def test_gates_odd_toy_input(text, problem):
    at = open_page("pages/gates.py")
    at.text_input(key="gi_toy").set_value(text).run()
    assert_clean(at)
    assert_says(at.error, problem)


def test_gates_sentence_through_a_trained_model():
    at = open_page("pages/gates.py")
    at.radio(key="gi_source").set_value("sentence").run()
    assert_clean(at)
    assert any("P(positive)" in m.value for m in at.markdown)
    for sentence, warns in [("", True), ("xyz qq", True), ("good", False), ("SO GOOD", False)]:
        at.text_input(key="gi_sentence").set_value(sentence).run()
        assert_clean(at)
        assert bool(at.warning) == warns, sentence


def test_gates_memory_experiment_runs_and_params():
    at = open_page("pages/gates.py")
    at.multiselect(key="gm_L").set_value([5]).run()
    at.slider(key="gm_epochs").set_value(1).run()
    at.select_slider(key="gm_n").set_value(256).run()
    at.button(key="gm_run").click().run()  # trained on the store's thread; the run waits
    assert_clean(at)
    from lab.models import memory

    lengths, settings = at.session_state["gm_asked"]
    result = memory.STORE.get(memory.experiment_key(lengths, settings))
    assert lengths == (5,) and set(result.accuracy) == {"SimpleRNN", "LSTM", "GRU"}
    assert all(0.0 <= r[0] <= 1.0 for r in result.accuracy.values())
    assert at.dataframe[-1].value.shape == (1, 3)  # the accuracy table is on the page
    at.number_input(key="gp_d").set_value(2).run()
    at.number_input(key="gp_n").set_value(128).run()
    assert 67_072 in at.table[-1].value["parameters"].tolist()


def test_default_views_do_not_import_tensorflow():
    """The NumPy lessons must not wait for TensorFlow (a fresh process, so no test leaks it).
    Lessons marked ``keras`` in the catalogue train a Keras model and are left out."""
    import subprocess
    import sys

    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
for page in [None] + {[l.script for l in LESSONS if not l.keras]!r}:
    at = AppTest.from_file({APP!r}, default_timeout=60)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, page
print("tensorflow" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=180, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


# --- IMDB ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def imdb_page():
    """One session with a trained model (the generated reviews: no data set on CI machines)."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page("pages/imdb.py")
    at.run()
    if at.radio(key="im_source").value != "generated":
        at.radio(key="im_source").set_value("generated").run()
    at.slider(key="im_epochs").set_value(2).run()
    assert not at.get("plotly_chart"), "new settings train only when asked"
    assert any("Press the button" in i.value for i in at.info)
    at.button(key="im_train").click().run()
    assert_clean(at)
    return at


def test_imdb_trains_and_scores(imdb_page):
    at = imdb_page
    labels = {m.label: m.value for m in at.metric}
    assert set(labels) == {"Accuracy", "Precision", "Recall", "F1", "Misclassified"}
    assert any("not written by people" in i.value for i in at.info)


@pytest.mark.parametrize("threshold", [0.0, 0.37, 1.0])
def test_imdb_threshold_extremes(imdb_page, threshold):
    at = imdb_page
    at.slider(key="im_thr").set_value(threshold).run()
    assert_clean(at)
    if threshold == 1.0:
        assert any("No review is predicted positive" in i.value for i in at.info)


@pytest.mark.parametrize("review,warning", [("", None), (" \n ", "at least one word"),
                                             ("zzqx blorf", "None of these words"),
                                             ("great " * 400, None), ("정말 좋은 영화 🎬", "at least one word"),
                                             ("<b>bold</b> \x00\x07", "None of these words")])
def test_imdb_own_reviews(imdb_page, review, warning):
    at = imdb_page
    at.text_area(key="im_review").set_value(review).run()
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    assert (warning in warnings) if warning else "None of these" not in warnings
    verdicts = [m.value for m in at.markdown if "→" in m.value and "threshold" in m.value]
    assert bool(verdicts) == (warning is None or "None of these" in warning), verdicts
    example = any("example in grey" in c.value for c in at.caption)
    assert example == (review == ""), "an empty box reads the example and says so"


def test_imdb_missing_folder_keeps_the_previous_data(imdb_page, monkeypatch):
    at = imdb_page
    at.radio(key="im_source").set_value("folder").run()  # a shared server: folders are off
    assert_clean(at)
    assert not [w for w in at.text_input if w.key == "im_folder"]
    assert any("LAB_ALLOW_FOLDERS=1" in i.value for i in at.info) and at.get("plotly_chart")
    monkeypatch.setenv("LAB_ALLOW_FOLDERS", "1")
    at.run()
    for path in ("/nonexistent/aclImdb", "x" * 5000, "a\x00b", "~no_such_user_here/aclImdb",
                 "/etc/passwd", ""):
        at.text_input(key="im_folder").set_value(path).run()
        assert_clean(at)
        assert at.warning and at.get("plotly_chart"), path  # a message; the page stays
    at.radio(key="im_source").set_value("generated").run()


def test_imdb_session_keeps_what_names_its_data_not_the_arrays(imdb_page):
    """The previous data a session falls back on is named by its loading arguments; the padded
    reviews (up to 100 MB for a 50,000-review upload) live only in the shared cache."""
    kept = imdb_page.session_state["im_last_data"]
    leaves = [kept]
    while leaves:
        value = leaves.pop()
        assert not isinstance(value, np.ndarray) and not hasattr(value, "x_train"), type(value)
        if isinstance(value, (tuple, list)):
            leaves += list(value)


BAD_UPLOADS = [  # (what, file, what the page must say)
    ("none", None, "Choose a CSV file to upload."),
    ("random bytes", np.random.default_rng(0).bytes(5_000), "Cannot read the file as CSV"),
    ("wrong columns", b"title,score\nA film,1\nAnother,0\n",
     "The CSV needs columns 'review' and 'sentiment'"),
    ("empty", b"", "Cannot read the file as CSV"),
]


@pytest.mark.parametrize("what,data,says", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_imdb_bad_upload_keeps_the_previous_data(imdb_page, what, data, says):
    at = imdb_page
    at.radio(key="im_source").set_value("csv").run()
    if data is not None:
        at.file_uploader(key="im_csv").set_value((f"{what}.csv", data, "text/csv")).run()
    assert not lab_failures(at), lab_failures(at)
    assert any(w.value.startswith(says) for w in at.warning), [w.value for w in at.warning]
    assert any("Still showing the previous data" in i.value for i in at.info)
    assert at.get("plotly_chart"), "the previous result stays on screen"
    at.radio(key="im_source").set_value("generated").run()


def test_imdb_good_upload_trains_on_its_reviews(imdb_page, shared_data):
    """300 real reviews (the reference copy's first rows, read now): split 240 / 60, trained
    when asked, scored; then back to the generated reviews and their model."""
    import pandas as pd

    from lab.data import imdb

    csv = pd.read_csv(shared_data / "imdb_reviews_2000.csv", nrows=300).to_csv(
        index=False).encode()
    expected = imdb.load_csv(csv, 10_000)
    assert (len(expected.x_train), len(expected.x_test)) == (240, 60)
    at = imdb_page
    at.radio(key="im_source").set_value("csv").run()
    at.file_uploader(key="im_csv").set_value(("reviews.csv", csv, "text/csv")).run()
    assert not lab_failures(at) and not at.warning, [w.value for w in at.warning]
    assert expected.summary() in [c.value for c in at.caption]
    assert not any("not written by people" in i.value for i in at.info)
    at.button(key="im_train").click().run()
    assert not lab_failures(at), lab_failures(at)
    assert {m.label for m in at.metric} >= {"Accuracy", "F1"}
    at.radio(key="im_source").set_value("generated").run()
    assert any("not written by people" in i.value for i in at.info)


def test_imdb_model_survives_a_server_restart_without_tensorflow(tmp_path,
                                                                 trained_default_imdb):
    """A model trained and saved by one process (the run's default model, trained here) is
    shown by a new process (a restarted server) from the saved arrays, which never imports
    TensorFlow: the page's test scores are the saved model's."""
    import os
    import shutil
    import subprocess
    import sys

    from lab.figures.imdb import threshold_view
    from lab.models import imdb_model
    from ui.settings import IMDB

    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({APP!r}, default_timeout=300)
at.switch_page("pages/imdb.py")
at.run()
assert not at.exception, [e.value for e in at.exception]
print([m.value for m in at.metric][0], "tensorflow" in sys.modules)
"""
    shutil.copytree(trained_default_imdb, tmp_path / "cache")
    env = dict(os.environ, LAB_CACHE_DIR=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    accuracy, tf = run.stdout.strip().splitlines()[-1].split()
    assert tf == "False"
    d = imdb_model.default_inputs("generated")
    saved = imdb_model.Trained.load(trained_default_imdb / imdb_model.STORE.folder, d.key)
    thr, cost_fp, cost_fn = (IMDB.by_key[k].initial() for k in ("im_thr", "im_cfp", "im_cfn"))
    assert accuracy == threshold_view(d.data.y_test, saved.p_test, thr, cost_fp,
                                      cost_fn).metrics[0][1]


def test_text_page_shows_the_lectures_tokens_tensor_and_cooccurrence():
    at = open_page("pages/text.py")
    assert_clean(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "Found 9 unique tokens" in shown and "10 tokens" in shown
    assert "(2, 10, 11)" in shown  # the lecture's one-hot shape
    assert "[1, 7, 8, 9, 10]" in " ".join(c.value for c in at.caption)  # its garbled print, fixed
    ratios = at.dataframe[-2].value  # P(k|I) / P(k|like) over the lecture's corpus
    assert ratios.loc["like"].iloc[0] == pytest.approx(2 / 3)
    at.slider(key="tx_window").set_value(3).run()
    assert_clean(at)
    at.text_area(key="tx_corpus").set_value("ice solid ice water. steam gas steam water.").run()
    assert_clean(at)
    at.selectbox(key="tx_i").set_value("ice").run()
    at.selectbox(key="tx_j").set_value("steam").run()
    table = at.dataframe[-2].value
    assert table.loc["solid"].iloc[2] == float("inf") and table.loc["gas"].iloc[2] == 0


@pytest.mark.parametrize("key", ["tx_samples", "tx_corpus"])
@pytest.mark.parametrize("value,message", [("", "The text is empty"),
                                           ("  \n  ", "The text is empty")])
def test_text_page_empty_text_gives_a_clear_message(key, value, message):
    at = open_page("pages/text.py")
    at.text_area(key=key).set_value(value).run()
    assert_clean(at)
    assert any(w.value.startswith(message) for w in at.warning), [w.value for w in at.warning]
    assert at.get("plotly_chart")  # the rest of the page is still there
