"""Play in the browser (ui.frames_player and the XOR page): chunks computed once for the
server, where the browser is, and the page's Play / Pause / Reset on exact weights."""

import json
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from lab.lessons import rnn_play
from lab.lessons.xor_play import XorPlayback
from tests.conftest import ROOT, link_params
from ui import frames_player
from ui.frames_player import Chunks, frame_now

APP = str(ROOT / "app.py")


def test_one_build_per_key_for_the_whole_server():
    chunks, calls, gate = Chunks(limit=2), [], threading.Event()

    def build():
        calls.append(1)
        gate.wait(5)
        return "frames"
    got = []
    threads = [threading.Thread(target=lambda: got.append(chunks.get("k", build)))
               for _ in range(6)]
    for th in threads:
        th.start()
    time.sleep(0.1)
    gate.set()
    for th in threads:
        th.join()
    assert got == ["frames"] * 6 and calls == [1]
    for key in ("a", "b", "c"):
        chunks.get(key, lambda: key)
    assert len(chunks) == 2, "bounded: the oldest goes"


def test_the_next_chunk_is_computed_ahead():
    chunks, done = Chunks(), threading.Event()
    chunks.ahead("next", lambda: (done.set(), "later")[1])
    assert done.wait(5)
    time.sleep(0.05)
    assert chunks.get("next", lambda: pytest.fail("computed twice")) == "later"


def test_the_browsers_frame_by_its_report_or_the_clock():
    now = time.monotonic()
    assert frame_now(now, 50, {"chunk": "a", "at": 49}, "a") == 49
    assert frame_now(now, 50, {"chunk": "old", "at": 49}, "a") == 0, "another chunk's report"
    assert frame_now(now - 1.0, 50, None, "a") == frames_player.FPS - 1
    assert frame_now(now - 100, 50, None, "a") == 49


def test_frames_are_compact_and_carry_the_template_once():
    lesson = XorPlayback(False, 3, 0, 0.5, 50, heatmap=True)
    played = lesson.frames_after(lesson.start())
    frames = json.loads(frames_player.encode(played[:3]))
    assert [f["metrics"][0][1] for f in frames] == ["50", "100", "150"]
    assert [f.state.steps for f in played[:3]] == [50, 100, 150], "the state each lands on"
    assert "template" in frames[0]["figs"][0]["layout"]
    assert "template" not in frames[1]["figs"][0]["layout"]
    heat = frames[0]["figs"][0]["data"][0]
    assert heat["type"] == "heatmap" and heat["z"]["dtype"] == "f4"
    assert "y " in frames[0]["table"] or " y" in frames[0]["table"]


def player_args(at: AppTest) -> dict:
    found = [e for e in at.get("component_instance")
             if e.proto.component_name.endswith("frames_player")]
    assert len(found) == 1
    return json.loads(found[0].proto.json_args)


def playing_xor() -> AppTest:
    """The XOR page at a learning rate that does not converge within a test, Play pressed."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/xor.py")
    at.query_params.update(link_params({"xor_lr": 0.05}))
    at.run()
    at.button(key="xor__play").click().run()
    return at


def test_play_hands_the_browser_frames_and_pause_lands_on_one():
    at = playing_xor()
    assert not at.exception and not at.metric, "the player draws the metrics while playing"
    args = player_args(at)
    frames = json.loads(args["frames"])
    assert len(frames) == frames_player.CHUNK_FRAMES and args["fps"] == frames_player.FPS
    time.sleep(0.55)
    at.button(key="xor__play").click().run()  # Pause
    steps = int(at.metric[0].value.replace(",", ""))
    assert steps % 50 == 0 and 50 * 4 <= steps <= 50 * 20, "a frame near where the browser was"
    assert at.session_state["xor_state"].steps == steps
    assert frames[steps // 50 - 1]["metrics"][0][1] == f"{steps:,}", "the frame it showed"
    assert at.query_params["steps"] == [str(steps)] or at.query_params["steps"] == str(steps)


def test_a_slider_moved_while_playing_continues_from_the_current_weights():
    at = playing_xor()
    time.sleep(0.8)
    at.select_slider(key="xor_lr").set_value(5.0).run()
    reached = at.session_state["xor_state"].steps
    assert reached > 0, "the weights the browser showed are kept"
    first = json.loads(player_args(at)["frames"])[0]["metrics"]
    assert first[0][1] == f"{reached + 50:,}" and first[3][1] == "5"
    at.button(key="xor__reset").click().run()
    assert at.metric[0].value == "0" and "xor_play" not in at.session_state


# --- The perceptron page ------------------------------------------------------------------------
def playing_perceptron(values: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/perceptron.py")
    at.query_params.update(link_params(values))
    at.run()
    at.button(key="perceptron__play").click().run()
    return at


def test_the_perceptron_plays_its_updates_in_the_browser_and_pauses_on_one():
    """XOR's rule never settles: 30 passes, 120 updates, in chunks of 50 frames."""
    at = playing_perceptron({"pc_gate": "XOR", "pc_passes": 30})
    assert not at.exception
    frames = json.loads(player_args(at)["frames"])
    assert len(frames) == frames_player.CHUNK_FRAMES
    assert "update 1 of 120" in frames[0]["status"]
    assert "update 50 of 120" in frames[-1]["status"] and "Pass 13" in frames[-1]["table"]
    assert not at.table, "the player draws the pass's table while playing"
    time.sleep(0.55)
    at.button(key="perceptron__play").click().run()  # Pause
    cursor = at.session_state["perceptron_state"]
    assert 4 <= cursor <= 20, "the update the browser was near"
    assert f"update {cursor} of 120" in at.markdown[1].value
    assert frames[cursor - 1]["status"] in at.markdown[1].value.replace("**", "")
    assert at.query_params["update"] in ([str(cursor)], str(cursor))


def test_the_perceptron_plays_to_its_end_and_stops():
    """A frame per pass (AND, 10 passes: 10 frames, one chunk); once the browser has shown the
    last one (here: by the clock), the page stops on the run's last update."""
    at = playing_perceptron({"pc_gate": "AND", "pc_by_pass": True})
    frames = json.loads(player_args(at)["frames"])
    statuses = [f["status"] for f in frames]
    assert len(frames) == 10 and "update 4 of 40" in statuses[0] and "update 8 of" in statuses[1]
    time.sleep(len(frames) / frames_player.FPS + 0.3)
    at.run()
    assert not at.exception and at.button(key="perceptron__play").label == "Play"
    assert at.session_state["perceptron_state"] == 40 and "update 40 of 40" in at.markdown[1].value


# --- The RNN page's training demos --------------------------------------------------------------
@pytest.mark.parametrize("demo,player_key,epochs,frames,link", [
    ("words_state", "words", 5, 50, {"w_lr": 0.001}),  # slow enough not to converge in 50 frames
    ("sine_state", "sine", 1, 25, {})])
def test_the_rnn_demos_play_in_the_browser_and_pause_on_a_frame(demo, player_key, epochs,
                                                                  frames, link, monkeypatch):
    # a whole chunk whatever the machine's load (the time budget has its own test, test_rnn)
    monkeypatch.setattr(rnn_play, "CHUNK_BUDGET_S", None)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/rnn.py")
    at.query_params.update(link_params(link))
    at.run()
    at.button(key=f"{player_key}__play").click().run()
    assert not at.exception
    played = [e for e in at.get("component_instance")
              if e.proto.component_name.endswith("frames_player")]
    args = json.loads(played[0].proto.json_args)
    shown = json.loads(args["frames"])
    assert len(shown) == frames
    assert [f["status"].split(" epochs")[0] for f in shown[:3]] == [
        str(epochs), str(2 * epochs), str(3 * epochs)]
    time.sleep(0.55)
    at.button(key=f"{player_key}__play").click().run()  # Pause
    state = at.session_state[demo]
    reached = len(state.losses if demo == "words_state" else state.train_losses)
    assert reached % epochs == 0 and 4 * epochs <= reached <= 20 * epochs
    assert shown[reached // epochs - 1]["status"].startswith(f"{reached} epochs")
    assert f"{reached} epochs" in " ".join(m.value for m in at.markdown)
    at.button(key=f"{player_key}__step").click().run()
    state = at.session_state[demo]
    assert len(state.losses if demo == "words_state" else state.train_losses) == reached + epochs


def test_the_words_demo_stops_once_learned_and_a_rate_moved_mid_play_continues():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/rnn.py")
    at.query_params.update(link_params({"w_lr": 0.001}))
    at.run()
    at.button(key="words__play").click().run()
    time.sleep(0.55)
    at.select_slider(key="w_lr").set_value(0.05).run()  # the browser's frame, then faster
    reached = len(at.session_state["words_state"].losses)
    assert reached >= 5 and at.session_state["words_state"].opt.lr == 0.05
    played = [e for e in at.get("component_instance")
              if e.proto.component_name.endswith("frames_player")]
    frames = json.loads(json.loads(played[0].proto.json_args)["frames"])
    assert frames[0]["status"].startswith(f"{reached + 5} epochs")
    assert len(frames) < frames_player.CHUNK_FRAMES, "learned within the chunk: it ends there"
    time.sleep(len(frames) / frames_player.FPS + 0.3)
    at.run()
    assert at.button(key="words__play").label == "Play" and not at.exception
    assert at.session_state["words_state"].finished()
