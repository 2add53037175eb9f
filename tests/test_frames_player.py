"""Play in the browser (ui.frames_player and the XOR page): chunks computed once for the
server, where the browser is, and the page's Play / Pause / Reset on exact weights.

The browser's side is played by hand: :func:`report` is the component's message as it starts
the last chunk it holds (the server answers with the next), or as it has shown a final chunk's
last frame."""

import json
import threading
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.figures.perceptron import history_figure
from lab.figures.rnn import forecast_figure
from lab.figures.xor import decades, loss_figure
from lab.lessons import rnn_play
from lab.lessons.perceptron_play import PerceptronPlayback, rule_run
from lab.lessons.xor_play import XorPlayback
from tests.conftest import ROOT, link_params
from ui import frames_player
from ui.frames_player import FIRST_FRAMES, Chunks, Played

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


def test_the_browsers_frame_by_the_clock_set_again_at_each_report():
    run = Played(list(range(40)), {"a": 0}, "a", 40)  # handed now: one frame to arrive
    assert run.frame_now() == 0
    run.clock = (time.monotonic() - 1.0, -1)
    assert run.frame_now() == frames_player.FPS - 1
    run.clock = (time.monotonic() - 100, -1)
    assert run.frame_now() == 39, "within the frames handed"
    assert run.frame_now({"chunk": "a", "at": 7, "ended": True}) == 7, "it showed the end"
    run.append("b", list(range(40, 120)))
    assert run.starts == {"a": 0, "b": 40} and run.size == 80
    assert not run.answer({"chunk": "a", "at": 3}), "a report on an earlier chunk"
    assert run.answer({"chunk": "b", "at": 2}) and run.reached == 2 and run.states[0] == 40
    assert run.frame_now() == 2, "the clock starts again at the report"
    assert not run.answer({"chunk": "b", "at": 2}), "a report is taken once"


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


def player_args(at: AppTest, key: str = "xor") -> dict:
    """The arguments the server gave the player ``key``'s component in the last run."""
    found = [e for e in at.get("component_instance")
             if e.proto.component_name.endswith("frames_player")
             and e.proto.id.endswith(f"{key}_player")]
    assert len(found) == 1
    return json.loads(found[0].proto.json_args)


def report(at: AppTest, key: str = "xor", **extra) -> dict:
    """The browser starts the last chunk it holds and asks for the next (``ended=True``: it
    has shown the last frame); the arguments of the run that answers."""
    args = player_args(at, key)
    frame = len(json.loads(args["frames"])) - 1 if extra.get("ended") else 0
    at.session_state[f"{key}_player"] = {"chunk": args["chunk"], "at": frame, **extra}
    at.run()
    return player_args(at, key)


def test_paused_the_player_is_on_the_page_with_no_frames():
    """Plotly.js loads with the page: the component is there before Play."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/xor.py")
    at.run()
    args = player_args(at)
    assert args["playing"] is False and json.loads(args["frames"]) == []


def test_paused_the_first_chunk_is_computed_ahead(monkeypatch):
    """While the page waits paused, Play's first chunk after its state is computed (once for
    the server), so Play hands it at once."""
    asked, ahead = [], frames_player.CHUNKS.ahead
    monkeypatch.setattr(frames_player.CHUNKS, "ahead",
                        lambda key, build: (asked.append(key), ahead(key, build)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/xor.py")
    at.query_params.update(link_params({"xor_lr": 0.05}))
    at.run()
    first = [k for k in asked if k.startswith("xor|") and f"|{FIRST_FRAMES}|" in k]
    assert first, "computed while paused"
    for _ in range(200):
        if first[0] in frames_player.CHUNKS._done:
            break
        time.sleep(0.05)
    frames, _ = frames_player.CHUNKS._done[first[0]]
    at.button(key="xor__play").click().run()
    assert player_args(at)["frames"] == frames, "Play hands the chunk computed ahead"


def playing_xor() -> AppTest:
    """The XOR page at a learning rate that does not converge within a test, Play pressed."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/xor.py")
    at.query_params.update(link_params({"xor_lr": 0.05}))
    at.run()
    at.button(key="xor__play").click().run()
    return at


def test_play_hands_the_browser_frames_and_pause_lands_on_one():
    """A small first chunk, then each report brings the chunk after the last one handed,
    twice as long, that follows it; Pause lands on a frame the browser was handed."""
    at = playing_xor()
    assert not at.exception and not at.metric, "the player draws the metrics while playing"
    args = player_args(at)
    first = json.loads(args["frames"])
    assert args["playing"] and args["fps"] == frames_player.FPS and args["after"] == ""
    assert [f["metrics"][0][1] for f in first] == ["50", "100", "150", "200"][:FIRST_FRAMES]
    second = report(at)
    frames = first + json.loads(second["frames"])
    assert second["after"] == args["chunk"] and not second["final"]
    assert len(frames) == 3 * FIRST_FRAMES
    assert [f["metrics"][0][1] for f in frames] == [f"{50 * i:,}" for i in
                                                     range(1, 3 * FIRST_FRAMES + 1)]
    assert at.session_state["xor_state"].steps == 50, "the frame the browser reported"
    time.sleep(0.1)
    at.button(key="xor__play").click().run()  # Pause
    steps = int(at.metric[0].value.replace(",", ""))
    assert steps % 50 == 0 and 50 <= steps <= 50 * len(frames), "a frame it was handed"
    assert at.session_state["xor_state"].steps == steps
    assert frames[steps // 50 - 1]["metrics"][0][1] == f"{steps:,}", "the frame it showed"
    assert at.query_params["steps"] == [str(steps)] or at.query_params["steps"] == str(steps)
    assert player_args(at)["playing"] is False


def test_pause_lands_on_the_frame_the_browser_says_it_stopped_on():
    """Pause lands by the server's clock and tells the browser where; a browser that stopped
    on another frame says so, and the page lands on that one (once: the report is not taken
    again)."""
    at = playing_xor()
    first = player_args(at)
    second = report(at)
    at.button(key="xor__play").click().run()  # Pause
    landed = player_args(at)["landed"]
    assert landed["chunk"] in (first["chunk"], second["chunk"]), "the frame Pause landed on"
    stopped = {"chunk": second["chunk"], "at": 3, "paused": True}
    want = json.loads(second["frames"])[3]["metrics"][0][1]
    at.session_state["xor_player"] = stopped
    at.run()
    assert at.metric[0].value == want and f"{at.session_state['xor_state'].steps:,}" == want
    assert player_args(at)["landed"] is None
    at.button(key="xor__step").click().run()
    assert at.session_state["xor_state"].steps == int(want.replace(",", "")) + 50


def test_a_slider_moved_while_playing_continues_from_the_current_weights():
    at = playing_xor()
    time.sleep(0.8)
    at.select_slider(key="xor_lr").set_value(5.0).run()
    reached = at.session_state["xor_state"].steps
    assert reached > 0, "the weights the browser showed are kept"
    args = player_args(at)
    first = json.loads(args["frames"])[0]["metrics"]
    assert first[0][1] == f"{reached + 50:,}" and first[3][1] == "5"
    assert args["after"] == "", "a new start: the browser drops what it held"
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
    frames = json.loads(player_args(at, "perceptron")["frames"])
    assert "update 1 of 120" in frames[0]["status"]
    assert not at.table, "the player draws the pass's table while playing"
    for _ in range(3):
        frames += json.loads(report(at, "perceptron")["frames"])
    assert len(frames) == 15 * FIRST_FRAMES  # 4 + 8 + 16 + 32
    assert "update 60 of 120" in frames[-1]["status"] and "Pass 15" in frames[-1]["table"]
    time.sleep(0.2)
    at.button(key="perceptron__play").click().run()  # Pause
    cursor = at.session_state["perceptron_state"]
    # The last report said the browser started the third chunk (after 4 + 8 frames: update
    # 13); the clock has run on from there at least through the sleep. (A bound of 29, the
    # fourth chunk's start, held only while the runs between took a third of a second.)
    reported = 3 * FIRST_FRAMES + 1
    assert reported + int(0.2 * frames_player.FPS) <= cursor <= 60, \
        "an update after the last report, within those handed"
    shown = " ".join(m.value for m in at.markdown)
    assert f"update {cursor} of 120" in shown
    assert frames[cursor - 1]["status"] in shown.replace("**", "")
    assert at.query_params["update"] in ([str(cursor)], str(cursor))


def test_the_perceptron_plays_to_its_end_and_stops():
    """A frame per pass (AND, 10 passes: 10 frames, one chunk); once the browser has shown the
    last one (here: by the clock), the page stops on the run's last update."""
    at = playing_perceptron({"pc_gate": "AND", "pc_by_pass": True})
    frames = json.loads(player_args(at, "perceptron")["frames"])
    last = report(at, "perceptron")
    frames += json.loads(last["frames"])
    statuses = [f["status"] for f in frames]
    assert len(frames) == 10 and "update 4 of 40" in statuses[0] and "update 8 of" in statuses[1]
    assert last["final"], "the browser is told the run ends with this chunk"
    report(at, "perceptron", ended=True)
    assert not at.exception and at.button(key="perceptron__play").label == "Play"
    assert at.session_state["perceptron_state"] == 40 and "update 40 of 40" in " ".join(
        m.value for m in at.markdown)


# --- The RNN page's training demos --------------------------------------------------------------
@pytest.mark.parametrize("demo,player_key,epochs,frames,link", [
    ("words_state", "words", 5, 60, {"w_lr": 0.001}),  # 4 + 8 + 16 + 32 frames: too slow to learn
    ("sine_state", "sine", 1, 53, {})])  # 4 + 8 + 16 + 25 (the sine's chunks are 25 at most)
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
    shown = json.loads(player_args(at, player_key)["frames"])
    while len(shown) < frames:
        shown += json.loads(report(at, player_key)["frames"])
    assert len(shown) == frames
    assert [f["status"].split(" epochs")[0] for f in shown[:3]] == [
        str(epochs), str(2 * epochs), str(3 * epochs)]
    time.sleep(0.2)
    at.button(key=f"{player_key}__play").click().run()  # Pause
    state = at.session_state[demo]
    reached = len(state.losses if demo == "words_state" else state.train_losses)
    assert reached % epochs == 0 and epochs <= reached <= len(shown) * epochs
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
    time.sleep(0.2)
    at.select_slider(key="w_lr").set_value(0.05).run()  # the browser's frame, then faster
    reached = len(at.session_state["words_state"].losses)
    assert reached >= 5 and at.session_state["words_state"].opt.lr == 0.05
    args = player_args(at, "words")
    frames = json.loads(args["frames"])
    assert frames[0]["status"].startswith(f"{reached + 5} epochs")
    while not args["final"]:
        args = report(at, "words")
        frames += json.loads(args["frames"])
    assert len(json.loads(args["frames"])) < frames_player.CHUNK_FRAMES, "learned: it ends there"
    time.sleep(len(frames) / frames_player.FPS + 0.3)
    at.run()  # no report: the clock says the browser has shown the end
    assert at.button(key="words__play").label == "Play" and not at.exception
    assert at.session_state["words_state"].finished()


def _axes(fig: dict) -> dict:
    return {k: v for k, v in fig["layout"].items() if k[1:].startswith("axis")}


def _moving(frames: list) -> float:
    """The share of frames after the first whose every figure keeps the frame before's layout
    (all but its title and template): the browser moves their data alone (index.html)."""
    def kept(fig):
        return json.dumps({k: v for k, v in fig["layout"].items() if k not in ("title",
                                                                               "template")})
    same = [all(kept(a) == kept(b) for a, b in zip(before["figs"], now["figs"]))
            for before, now in zip(frames, frames[1:])]
    return sum(same) / len(same)


@pytest.mark.parametrize("lesson", [
    XorPlayback(preset=False, hidden=2, seed=0, lr=0.5, steps_per_frame=1, heatmap=True),
    XorPlayback(preset=False, hidden=3, seed=0, lr=0.5, steps_per_frame=1, heatmap=True),
    PerceptronPlayback(gate="XOR", eta=0.1, passes=200, init="zeros", seed=0, per_frame=1),
    rnn_play.WordsPlayback(units=8, lr=0.001, seed=0)],
    ids=["xor", "xor-3-hidden", "perceptron", "words"])
def test_played_figures_set_every_axis_range_and_keep_their_layout(lesson):
    """Every axis of a played figure has its range (the browser need not redo an autorange,
    index.html's moving frames), and nearly every frame keeps the layout of the one before."""
    frames = json.loads(frames_player.encode(lesson.frames_after(lesson.start(), 30)))
    for frame in frames:
        for fig in frame["figs"]:
            axes = _axes(fig)
            assert axes and all(isinstance(a.get("range"), list) for a in axes.values())
    assert _moving(frames) >= 0.8


def test_fixed_ranges_hold_what_the_figures_draw():
    """The ranges that stand still while a run plays still hold all of its data: the XOR
    loss in whole decades, the perceptron's every weight, the sine forecast's every value,
    the hidden space's points (powers of two) for every hidden size but 2 (the unit square)."""
    losses = np.geomspace(0.7, 0.003, 500)
    low, high = loss_figure(losses).layout.yaxis.range
    assert low <= np.log10(losses.min()) and high >= np.log10(losses.max()) and high > low
    assert decades([1.0]) == [0.0, 1.0] and decades([]) == [-2, 0.5]
    run = rule_run("XOR", 0.1, 50, "zeros", 0)
    low, high = history_figure(run, 3).layout.yaxis.range
    weights = run.updates[["w0", "w1", "w2"]].to_numpy()
    assert low < weights.min() and high > weights.max()
    t = np.linspace(0, 10, 100)
    low, high = forecast_figure(t, np.sin(t), 3 * np.cos(t[60:]), 60).layout.yaxis.range
    assert low <= -3 and high >= 3
    from lab.figures.xor import hidden_projection, hidden_space_figure
    from lab.networks import mlp
    for hidden, steps in ((1, 0), (3, 0), (3, 3000), (5, 3000)):
        p = mlp.init_params(hidden, 0)
        mlp.train(p, 0.5, steps)
        fig, pts = hidden_space_figure(p), hidden_projection(p)[0]
        for axis, values in ((fig.layout.xaxis, pts[:, 0]), (fig.layout.yaxis, pts[:, 1])):
            assert axis.range[0] < values.min() and values.max() < axis.range[1], (hidden, steps)


def _xor_figures():
    from lab.figures import xor
    from lab.networks import mlp
    return xor, xor.frame_figures(mlp.init_params(2, 0), np.geomspace(0.7, 0.1, 300), True, False)


def _perceptron_figures():
    from lab.figures import PLAYED, perceptron
    v = perceptron.view(rule_run("XOR", 0.1, 50, "zeros", 0), "XOR", 17, PLAYED)
    return perceptron, [v.decision, v.history]


def _rnn_figures():
    from lab.figures import PLAYED, rnn
    t = np.linspace(0, 10, 100)
    return rnn, [rnn.forecast_figure(t, np.sin(t), np.cos(t[60:]), 60, PLAYED),
                 rnn.loss_curves_figure([0.5, 0.2, np.nan], [0.6, 0.3, 0.25], "MSE", PLAYED)]


@pytest.mark.parametrize("built", [_xor_figures, _perceptron_figures, _rnn_figures],
                         ids=["xor", "perceptron", "rnn"])
def test_played_frames_built_without_plotlys_checks_are_written_as_checked_ones(monkeypatch,
                                                                                built):
    """A played XOR, perceptron or RNN demo frame after its chunk's first is built without
    Plotly's checks (5x faster); the browser gets it exactly as the same frame built with them
    is written."""
    from ui.frames_player import figure_json

    def written():
        figs = built()[1]
        return [fig._validate for fig in figs], [json.dumps(figure_json(f, False)) for f in figs]
    checks, unchecked = written()
    monkeypatch.setattr(built()[0], "checks_for", lambda template: {})
    assert checks == [False] * len(unchecked)
    assert written() == ([True] * len(unchecked), unchecked)
