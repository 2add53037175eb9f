"""Shared test set-up: the project on sys.path, quiet TensorFlow, the reference data folder;
the machine's settings, home folder and network kept out; pages and servers that fail."""

import collections
import contextlib
import logging
import os
import re
import sys
import tempfile
import time
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The machine's settings never reach the tests: every LAB_* and STREAMLIT_* variable is cleared
# for the session (a test that needs one sets it itself), except the tests' own.
TEST_SETTINGS = {"LAB_FUZZ_SEED"}  # replays the fuzz (tests/test_fuzz.py)
for _name in [n for n in os.environ if n.startswith(("LAB_", "STREAMLIT_"))]:
    if _name not in TEST_SETTINGS:
        del os.environ[_name]
sys.path.insert(0, str(ROOT))
# No network but loopback, here and in every Python process the tests start (tests/hermetic).
from tests.hermetic import sitecustomize as network_guard  # noqa: E402,F401  (installs it)

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "tests" / "hermetic"), *filter(None, [os.environ.get("PYTHONPATH")])])
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
# The whole run's own cache folder and Keras home, set before anything imports lab or Keras:
# module-scoped fixtures (set up before ``_hermetic`` below) and subprocesses get them too,
# never the machine's (the repository's data/cache, ~/.keras).
_RUN_HOME = Path(tempfile.mkdtemp(prefix="lab-tests-"))
os.environ["LAB_CACHE_DIR"] = str(_RUN_HOME / "cache")
os.environ["KERAS_HOME"] = str(_RUN_HOME / "keras")
# ... and its own empty home: no ~/.streamlit/config.toml or credentials, here or in a server
(_RUN_HOME / "home").mkdir()
os.environ["HOME"] = str(_RUN_HOME / "home")

# Reference data lives beside the project (see ../shared/data/SOURCES.md), never inside it.
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_data_folder() -> Path:
    """The reference data; in CI (``CI`` set) its absence fails the test instead of skipping
    it, so a missing folder cannot hide a proof."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/data is missing: CI must have it beside the project")
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture
def shared_data() -> Path:
    """The reference data folder (``shared_data_folder``)."""
    return shared_data_folder()


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory, monkeypatch):
    """Every test gets its own cache folder and Keras home, and sees a machine that has not
    run ``lab.prepare`` (no Keras IMDB file), whatever this machine has: the result depends on
    the code only. A test that wants a prepared machine makes one (test_classroom)."""
    from lab.data import imdb

    home = tmp_path_factory.mktemp("hermetic")
    monkeypatch.setenv("LAB_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("KERAS_HOME", str(home / "keras"))
    monkeypatch.setattr(imdb, "KERAS_FILE", home / "keras" / "datasets" / "imdb.npz")
    keras_config = sys.modules.get("keras.src.backend.config")  # Keras read KERAS_HOME at import
    if keras_config is not None:
        monkeypatch.setattr(keras_config, "_KERAS_DIR", str(home / "keras"))


@pytest.fixture
def keras_imdb_prepared(shared_data, monkeypatch) -> Path:
    """This test's Keras home as ``lab.prepare`` leaves it (``keras_reads_the_subset``)."""
    return keras_reads_the_subset(shared_data, monkeypatch)


def keras_reads_the_subset(shared_data: Path, monkeypatch) -> Path:
    """The Keras home ``$KERAS_HOME`` as ``lab.prepare`` leaves it: ``datasets/imdb.npz`` and
    the word index. The word index is the real file (Keras checks its hash and reads it).
    ``imdb.npz`` stands for Keras's 17 MB download, whose hash the reference subset cannot
    match, so Keras's loader is substituted (by ``monkeypatch``): it reads
    ``imdb_keras_subset_num500.npz`` (5,000 / 1,000 reviews) and caps the vocabulary as Keras
    does. Returns the datasets folder."""
    import json
    import shutil

    import keras
    import numpy as np

    from lab.data import imdb

    datasets = Path(os.environ["KERAS_HOME"]) / "datasets"
    datasets.mkdir(parents=True, exist_ok=True)
    shutil.copy(shared_data / "imdb_word_index.json", datasets)
    subset = shared_data / "imdb_keras_subset_num500.npz"
    imdb.KERAS_FILE.symlink_to(subset)  # what the pages look for; Keras never reads it here

    def load_data(num_words=None, skip_top=0, **_):
        data = imdb.load_npz(subset, num_words or 10**9, skip_top)
        as_array = lambda xs: np.array([np.array(x) for x in xs], dtype=object)  # noqa: E731
        return ((as_array(data.x_train), data.y_train), (as_array(data.x_test), data.y_test))
    monkeypatch.setattr(keras.datasets.imdb, "load_data", load_data)
    assert json.loads((datasets / "imdb_word_index.json").read_text())["the"] == 1
    return datasets


@pytest.fixture(scope="session")
def trained_default_imdb(tmp_path_factory) -> Path:
    """A cache folder holding the default IMDB model trained on the generated reviews (the
    model a page on an unprepared machine trains first), trained once for the whole run: a
    test copies the folder into a server's or a process's cache instead of training the model
    again there. The tests of that first training itself train it (test_pages)."""
    from lab.core.cache import MARKER
    from lab.models import imdb_model

    cache = tmp_path_factory.mktemp("default_imdb") / "cache"
    d = imdb_model.default_inputs("generated")
    trained = imdb_model.train(d.x_train, d.data.y_train, d.x_test, d.num_words, d.settings)
    assert not trained.diverged
    (cache / imdb_model.STORE.folder).mkdir(parents=True)
    trained.save(cache / imdb_model.STORE.folder, d.key)
    (cache / MARKER).touch()
    return cache


@pytest.fixture(scope="session")
def prepared_cache(tmp_path_factory) -> Path:
    """The cache folder ``python -m lab.prepare`` leaves (every step, Keras's reviews simulated
    from the reference subset; short trainings), prepared once for the run in a home of its
    own: each test of a prepared machine copies it (test_classroom's ``prepared_offline``)."""
    import dataclasses

    from lab.data import imdb
    from lab.models import imdb_model, stock_model
    from lab import prepare

    shared, home = shared_data_folder(), tmp_path_factory.mktemp("prepared")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAB_CACHE_DIR", str(home / "cache"))
        mp.setenv("KERAS_HOME", str(home / "keras"))
        mp.setattr(imdb, "KERAS_FILE", home / "keras" / "datasets" / "imdb.npz")
        keras_config = sys.modules.get("keras.src.backend.config")  # as _hermetic does
        if keras_config is not None:
            mp.setattr(keras_config, "_KERAS_DIR", str(home / "keras"))
        keras_reads_the_subset(shared, mp)
        for module, settings_at in ((imdb_model, 4), (stock_model, 1)):
            def one_epoch(*args, _fit=module.train, _at=settings_at, **kwargs):
                args = list(args)
                args[_at] = dataclasses.replace(args[_at], epochs=1)
                return _fit(*args, **kwargs)
            mp.setattr(module, "train", one_epoch)
        results = prepare.prepare(prepare.STEPS)
    assert [ok for _, ok, _, _ in results] == [True] * len(prepare.STEPS), results
    return home / "cache"


# --- A real server ------------------------------------------------------------------------------
SERVER_START_SECONDS = 60
TRACEBACK = "Traceback (most recent call last)"


def assert_no_traceback(log: Path) -> None:
    """Fail if a server's log holds a Python traceback (Streamlit logs the ones it survives)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    if TRACEBACK in text:
        at = text.index(TRACEBACK)
        pytest.fail(f"the server's log ({log.name}) holds a traceback:\n"
                    f"{text[max(0, at - 300):at + 3000]}")


def saves(log: Path) -> collections.Counter:
    """How many times a server saved each model file (``TESTS_SAVES_LOG``, tests/hermetic):
    a second training of the same model overwrites its file, but is counted here."""
    lines = log.read_text().splitlines() if log.exists() else []
    return collections.Counter(Path(line).relative_to(Path(line).parents[1]).as_posix()
                               for line in lines)


@contextlib.contextmanager
def serve_app(folder: Path, **env: str):
    """``streamlit run app.py`` on a free localhost port (``deploy.launch``), as hermetic as a
    test: its own cache folder and Keras home under ``folder`` (an unprepared machine), its log
    in ``folder/streamlit.log``, every model it saves listed in ``folder/saves.log`` (see
    ``saves``). Yields the URL; the server stops on exit, and then a traceback in its log
    fails the test."""
    from deploy import launch

    env = dict(os.environ, LAB_CACHE_DIR=str(folder / "cache"), KERAS_HOME=str(folder / "keras"),
               TESTS_SAVES_LOG=str(folder / "saves.log"), **env)
    try:
        server = launch.start("app.py", env, folder / "streamlit.log",
                              timeout=SERVER_START_SECONDS)
    except RuntimeError as err:
        pytest.fail(f"streamlit did not start: {err}")
    try:
        yield server.url
    finally:
        server.stop()
    assert_no_traceback(server.log)


# --- Trainings in AppTest ---------------------------------------------------------------------
# The Keras and stock pages train on the store's worker threads and poll them from a fragment
# (``ui.training``), which AppTest never reruns by itself. A page test is a user who waits: after
# every run, while a training that run started is still going, wait for it and run again, so
# the test sees the page as it is once the training has ended. ``RAW_RUN`` is the run alone,
# for tests that look at the page *while* it trains.
from streamlit.testing.v1 import AppTest  # noqa: E402

RAW_RUN = AppTest._run
MAX_SETTLE_RERUNS = 5


_FINISHED_JOBS: collections.deque = collections.deque(maxlen=64)  # every job, as it finishes


def _noting_finish(finish):
    def _finish(self, *args, **kwargs):
        finish(self, *args, **kwargs)
        _FINISHED_JOBS.append(self)
    return _finish


def _active_jobs(since: float = float("inf")):
    """Jobs queued or running, and (``since``) those that finished after that moment: a run
    may have drawn a training's progress that ended before this looked. A job that trained to
    its end leaves its store's jobs as it finishes (the store remembers its result instead), so
    finished jobs are noted as they finish (``_FINISHED_JOBS``)."""
    from lab.training import store
    from lab.training.jobs import QUEUED, RUNNING

    running = [j for s in store._stores for j in list(s._jobs.values())
               if j.state in (QUEUED, RUNNING) or j._finished >= since]
    return running + [j for j in list(_FINISHED_JOBS)
                      if j._finished >= since and j not in running]


from lab.training.jobs import Job  # noqa: E402 (the run's cache folders are set above)

Job._finish = _noting_finish(Job._finish)


def _run_until_trained(self, widget_state=None, timeout=None):
    since = time.monotonic()
    out = _noted(RAW_RUN(self, widget_state, timeout))
    for _ in range(MAX_SETTLE_RERUNS):
        active = _active_jobs(since)
        if not active:
            break
        since = time.monotonic()
        for job in active:
            if not job.wait(timeout or self.default_timeout):
                raise TimeoutError(f"training {job.key!r} did not finish")
        out = _noted(RAW_RUN(self, self._tree.get_widget_states(), timeout))
    return out


AppTest._run = _run_until_trained

# --- A page that fails fails its test ----------------------------------------------------------
# Any exception element an AppTest run draws, and any traceback Streamlit logs in this process
# (as it does for a table Arrow cannot convert), fails the test that ran it, whatever it asserts.
_FAILURES: list[str] = []


def _noted(tree):
    _FAILURES.extend(f"exception drawn: {e.message}" for e in tree.exception)
    return tree


_real_handle = logging.Logger.handle


def _handle(self, record):
    if record.exc_info and record.exc_info[0] and self.name.split(".")[0] == "streamlit":
        _FAILURES.append(f"traceback logged by {self.name}: {record.getMessage()} "
                         f"{record.exc_info[0].__name__}: {record.exc_info[1]}")
    return _real_handle(self, record)


logging.Logger.handle = _handle


@pytest.fixture(autouse=True)
def _no_exception_drawn_or_logged():
    yield
    failures = _FAILURES[:]
    _FAILURES.clear()
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


# The lab's own failure on a page, as against a message about the input (which is fine): an
# exception, a training that failed, or an error or warning box that reads like a traceback
# (a Python exception's name and message).
_TRAINING_FAILED = None
_TRACEBACK_LIKE = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*(Error|Exception):")


def lab_failures(at) -> list[str]:
    """What ``at``'s page shows as the lab's own failure: its exceptions, and every error or
    warning box that says a training failed (in either language) or holds a traceback."""
    global _TRAINING_FAILED
    if _TRAINING_FAILED is None:
        from lab.core.i18n import t

        _TRAINING_FAILED = tuple(t("training.failed", lang, error="").strip()
                                 for lang in ("en", "ko"))
    shown = [f"exception: {e.message}" for e in at.exception]
    for box in [*at.error, *at.warning]:
        if str(box.value).startswith(_TRAINING_FAILED) or _TRACEBACK_LIKE.search(str(box.value)):
            shown.append(f"{box.type}: {box.value}")
    return shown


@pytest.fixture(autouse=True, scope="module")
def _fresh_model_stores():
    """Each test module starts with empty in-memory model stores, reviews and Streamlit caches
    (the disk is per fixture), so what one module trained or loaded never answers another."""
    import streamlit as st

    from lab.data import imdb
    from lab.training import store

    def clear():
        store.clear_all()
        imdb.forget_loaded()
        st.cache_data.clear()
        st.cache_resource.clear()
    clear()
    yield
    clear()


# --- Links -------------------------------------------------------------------------------------
def link_params(values: dict | None = None, lang: str = "en", **state) -> dict:
    """The URL parameters of a link to ``values`` (control key -> value) in ``lang``, built from
    the controls' declarations (``ui.settings``) as the sidebar's link box builds them; ``state``
    adds a page's own parameters (``steps``, ``update``)."""
    import ui.settings  # noqa: F401  (declares every page's controls)
    from ui.controls import REGISTRY

    values = {"lang": lang, **(values or {})}
    unknown = set(values) - {k for table in REGISTRY.values() for k in table.by_key}
    assert not unknown, f"no such control: {unknown}"
    out: dict = {}
    for table in REGISTRY.values():
        for key, text in table.query({k: v for k, v in values.items() if k in table.by_key},
                                     lang):
            out.setdefault(key, []).append(text)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()} | {
        k: str(v) for k, v in state.items()}


# --- The unit tier ------------------------------------------------------------------------------
# ``python -m pytest -m unit``: lab/'s own tests alone, in well under a minute. They are the tests
# of the files below, except those that run a page in AppTest (``_runs_a_page``), ask for a
# fixture of HEAVY_FIXTURES (Keras, a child process, a redis-server), or are named in NOT_UNIT
# (Keras reached through lab/, or over 2 s alone). Every test still runs in the whole suite.
UNIT_FILES = {"test_charseq.py", "test_errata.py", "test_experiments.py", "test_figures.py",
              "test_training_priority.py", "test_charts.py",
              "test_gates.py", "test_gates_views.py", "test_imdb.py", "test_kernel.py",
              "test_korean.py", "test_layers.py", "test_page_views.py",
              "test_lecture_values.py", "test_maths.py", "test_mlp.py", "test_perceptron.py",
              "test_queue.py", "test_questions.py", "test_questions_point.py",
              "test_questions_trained.py", "test_raw_text.py", "test_rnn.py",
              "test_room.py", "test_room_follow.py",
              "test_room_questions.py", "test_seqnet.py", "test_stock.py", "test_store.py",
              "test_stored.py", "test_text.py", "test_views.py", "test_walkthroughs.py"}
HEAVY_FIXTURES = {"keras", "tf", "float64_keras", "processes", "redis_url"}
NOT_UNIT = {
    # Keras
    "test_numpy_cells_equal_keras", "test_keras_default_initialisation_layout",
    "test_parameter_counts_match_the_lectures_and_keras", "test_corrupt_npz_and_offline_keras",
    "test_word_by_word_reading_equals_keras", "test_float32_keras_agrees_to_1e5_after_an_epoch",
    "test_lecture_002_parameter_counts", "test_a_diverging_learning_rate_is_reported[65]",
    "test_training_reports_batches_and_epochs_saves_and_reloads[65-keras]",
    "test_keras_tokenizer_rules_agree_with_keras_text_vectorization",
    "test_gradients_equal_keras_with_the_same_weights",
    "test_parameter_counts_equal_keras_and_the_lecture",
    "test_every_experiment_trains_on_the_reference_subset", "test_gru_counts_equal_keras",
    "test_the_id_rule_is_keras_own", "test_todays_keras_on_the_lectures_old_arguments",
    "test_training_stops_on_the_fits_monitor", "test_lecture_004_stores_the_epoch_it_stopped_at",
    "test_lecture_003_stores_the_best_epoch",
    "test_the_frozen_embedding_is_unchanged_after_an_epoch",
    "test_the_lectures_parameter_count_and_the_frozen_models_trainable_count",
    # over 2 s alone
    "test_a_million_row_upload_keeps_its_last_rows",
    "test_other_delimiters_unsorted_dates_and_very_long_files", "test_the_work_budget_caps_epochs",
    "test_an_upload_is_read_in_at_most_three_times_its_size",
    "test_rows_beyond_the_cap_are_not_read",
    # a child process (a fresh interpreter's imports)
    "test_the_stock_pages_modules_do_not_import_scikit_learn",
}


def _runs_a_page(fn, module, seen: set) -> bool:
    """Whether ``fn`` (a test, or a function or fixture of its module) names ``AppTest``, itself
    or through another function of the module that it names."""
    code = getattr(getattr(fn, "__wrapped__", fn), "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    names, nested = set(), [code]
    while nested:  # the function's own code, and its lambdas and comprehensions
        c = nested.pop()
        names |= set(c.co_names)
        nested += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    return "AppTest" in names or any(_runs_a_page(vars(module)[n], module, seen)
                                     for n in names if n in vars(module))


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = [item.function] + [vars(item.module)[f] for f in item.fixturenames
                                  if f in vars(item.module)]
        if (item.path.name in UNIT_FILES and not {item.name, item.originalname} & NOT_UNIT
                and not HEAVY_FIXTURES & set(item.fixturenames)
                and not any(_runs_a_page(fn, item.module, set()) for fn in used)
                and not item.get_closest_marker("slow")):
            item.add_marker(pytest.mark.unit)


def pytest_sessionstart(session):
    """Compile the recurrent kernel (numba, cached beside lab/maths/recurrent.py) once, before
    any test starts servers: on a fresh clone every server process would otherwise compile it at
    the same time, tens of CPU seconds each on two cores."""
    from lab.training import preload

    preload.warm()


def pytest_sessionfinish(session, exitstatus):
    import shutil

    shutil.rmtree(_RUN_HOME, ignore_errors=True)


def pytest_report_header(config):
    from tests.test_fuzz import SEED

    return f"fuzz seed: {SEED} (replay with LAB_FUZZ_SEED={SEED})"
