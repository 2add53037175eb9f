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
    The one exception is presenter mode's stylesheet: a module constant, never user text."""
    for path in CODE:
        text = path.read_text()
        assert "unsafe_allow_html=True" not in text, path
        if path == ROOT / "ui" / "presenter.py":
            assert text.count("st.html(") == 1 and "st.html(sheet)" in text
            assert 'sheet = (STYLESHEET if on else "") + (FOLLOWER_PHONE if fold_controls' in text
            from ui.presenter import FOLLOWER_PHONE, STYLESHEET
            for sheet in (STYLESHEET, FOLLOWER_PHONE):
                assert sheet.startswith("<style>") and sheet.rstrip().endswith("</style>")
                assert "<script" not in sheet.lower() and sheet.count("<") == 2
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
            assert path == ROOT / "lab" / "imdb.py", path
            assert "zipfile.is_zipfile" in text
