"""Safe files and settings on a shared classroom server (README, "Security notes")."""

import tomllib

from tests.conftest import ROOT

CODE = [p for folder in ("lab", "pages", "ui") for p in (ROOT / folder).rglob("*.py")] + [
    ROOT / "app.py"]


def test_server_config_keeps_streamlits_protections_and_limits_uploads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config.get("server", {})
    assert server.get("maxUploadSize", 200) <= 20
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True
    # students get the lab without Streamlit's developer menu and Deploy button
    assert config["client"]["toolbarMode"] == "viewer"


def test_no_page_turns_html_on():
    """No page or helper renders raw HTML (the live chart's own iframe is the one component).
    The exceptions are presenter mode's stylesheets (one also drawn by the question panel,
    ui/questions.py) and the keys' listener (ui/keys.py, the buttons' widget keys as JSON in
    it): module constants, never user text."""
    for path in CODE:
        text = path.read_text()
        assert "unsafe_allow_html=True" not in text, path
        if path == ROOT / "ui" / "presenter.py":
            assert text.count("st.html(") == 1 and "st.html(sheet)" in text
            assert 'sheet = (STYLESHEET if on else "") + (FOLLOWER_PHONE if fold_controls' in text
            from ui.presenter import FOLLOWER_PHONE, QUESTIONS_LAST, STYLESHEET
            for sheet in (STYLESHEET, FOLLOWER_PHONE, QUESTIONS_LAST):
                assert sheet.startswith("<style>") and sheet.rstrip().endswith("</style>")
                assert "<script" not in sheet.lower() and sheet.count("<") == 2
        elif path == ROOT / "ui" / "questions.py":  # the panel moved to the page's end
            assert text.count("st.html(") == 1 and "st.html(presenter.QUESTIONS_LAST)" in text
        elif path == ROOT / "ui" / "keys.py":  # the keys' listener: a constant, keys as JSON
            assert text.count("st.html(") == 1
            assert "st.html(_LISTENER % bindings, unsafe_allow_javascript=True)" in text
            assert 'bindings = json.dumps(grouped).replace("<", "\\\\u003c")' in text
            from ui.keys import _LISTENER
            assert _LISTENER.count("<script") == 1 and _LISTENER.count("%s") == 1
        else:
            assert "st.html(" not in text, path


def test_nothing_is_unpickled_or_loaded_as_a_model_except_keras_own_imdb_file():
    """Trained results are pickle-free arrays + JSON; no Keras archive is ever loaded. The one
    ``allow_pickle=True`` reads Keras's IMDB npz (object arrays), refuses non-zip files and is
    never offered for uploads."""
    for path in CODE:
        text = path.read_text()
        assert "load_model(" not in text and "pickle.load" not in text, path
        if "allow_pickle=True" in text:
            assert path == ROOT / "lab" / "data" / "imdb.py", path
            assert "zipfile.is_zipfile" in text


def test_server_folders_are_off_unless_lab_allow_folders_is_1_also_on_localhost(monkeypatch):
    from streamlit import config

    from lab.core.i18n import t
    from ui.server import folders_allowed

    monkeypatch.delenv("LAB_ALLOW_FOLDERS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    try:
        assert not folders_allowed()  # localhost may still be behind a proxy for the class
        for value, allowed in [("1", True), ("0", False), ("yes", False), ("", False)]:
            monkeypatch.setenv("LAB_ALLOW_FOLDERS", value)
            assert folders_allowed() is allowed, value
    finally:
        config.set_option("server.address", before)
    for lang in ("en", "ko"):  # the page says how to turn them on
        assert "LAB_ALLOW_FOLDERS=1 streamlit run app.py" in t("imdb.folders_off", lang)
        assert "server.address" not in t("imdb.folders_off", lang)


def test_prepare_clear_refuses_a_folder_that_is_not_the_labs(monkeypatch, tmp_path):
    import io

    import pytest

    from lab.core import cache
    from lab import prepare
    from lab.core.errors import LabError

    theirs = tmp_path / "someone"
    (theirs / "thesis").mkdir(parents=True)
    (theirs / "thesis" / "chapter1.tex").write_text("years of work")
    (theirs / "notes.txt").write_text("keep me")
    monkeypatch.setenv("LAB_CACHE_DIR", str(theirs))
    cache.cache_dir("stock")  # the lab writing into a folder that is not empty: no marker
    with pytest.raises(LabError, match="not the lab's cache folder"):
        prepare.clear(io.StringIO())
    assert prepare.main(["--clear"]) == 1
    assert (theirs / "notes.txt").read_text() == "keep me"
    assert (theirs / "thesis" / "chapter1.tex").read_text() == "years of work"

    ours = tmp_path / "lab_cache"
    monkeypatch.setenv("LAB_CACHE_DIR", str(ours))
    cache.cache_dir("stock_models")  # made by the lab: marked
    (ours / "stock_models" / "model.json").write_text("{}")
    assert (ours / cache.MARKER).is_file()
    assert ours in prepare.clear(io.StringIO()) and not ours.exists()
    assert ours not in prepare.clear(io.StringIO())  # nothing left to clear
