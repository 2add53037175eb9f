"""XOR hidden units (lecture 000): a 2-H-1 sigmoid network learning XOR live, in NumPy.

Play runs in the browser: the server trains a chunk of frames once for given weights and
settings (shared by every session that reaches them, e.g. a class following the lecturer) and
the browser plays it (``ui.frames_player``). Step, Reset and Pause land on exact weights.
"""

import hashlib

import numpy as np
import pandas as pd
import plotly.io
import streamlit as st

from lab import i18n, mlp
from lab.figures.xor import (boundary_figure, hidden_space_figure, loss_figure, outputs_table,
                             play_frames)
from lab.i18n import current, t
from ui import frames_player, player, presenter
from ui.charts import live_chart
from ui.controls import from_url, keep_in_url
from ui.entry import ensure_app_navigation
from ui.settings import XOR as C, XOR_LECTURE_LR

ensure_app_navigation()

KEY = "xor"
MAX_STEPS = 200_000  # the page stops training here so the loss history stays small

st.title(t("lesson.xor.title"))
st.markdown(t("xor.intro"))

c1, c2, c3, c4, c5 = st.columns([1.3, 1, 2, 1, 1.3])
start = C.draw("xor_start", c1)
preset = start == "lecture"
hidden = C.draw("xor_h", c2, disabled=preset)
if preset:
    hidden = 3
lr = C.draw("xor_lr", c3, help=t("xor.lr_help", lecture=XOR_LECTURE_LR,
                                 default=C["xor_lr"].default))
seed = C.draw("xor_seed", c4, disabled=preset)
steps_per_tick = C.draw("xor_spt", c5)
t1, t2 = st.columns(2)
show_heatmap = C.draw("xor_heat", t1)
three_d = C.draw("xor_3d", t2, disabled=hidden < 3)


def fresh_state() -> dict:
    st.session_state.pop("xor_play", None)  # a chunk playing for the old network is dropped
    p = mlp.lecture_preset() if preset else mlp.init_params(hidden, int(seed))
    return {"params": p, "losses": [], "diverged": False}


settings = (preset, hidden, seed)
if st.session_state.get("xor_settings") != settings:
    st.session_state.xor_settings, st.session_state.xor_state = settings, fresh_state()
if hidden == 1:
    st.warning(t("xor.one_unit"))


def advance(n: int) -> None:
    state = st.session_state.xor_state
    n = min(n, MAX_STEPS - len(state["losses"]))
    if state["diverged"] or n <= 0:
        return
    losses = mlp.train(state["params"], float(lr), n)
    state["losses"].extend(losses.tolist())
    state["diverged"] = len(losses) < n


if "xor_linked" not in st.session_state:  # a shared link: replay its steps once
    st.session_state.xor_linked = True
    advance(min(MAX_STEPS, max(0, from_url("steps", int, 0))))
_state = st.session_state.xor_state
action = player.controls(KEY, can_play=not (_state["diverged"] or mlp.is_converged(_state["params"])
                                            or len(_state["losses"]) >= MAX_STEPS))
if action == "reset":
    st.session_state.xor_state = fresh_state()
elif action == "step":
    advance(steps_per_tick)


def digest(p: mlp.MLP, history: np.ndarray) -> str:
    """A name for weights ``p`` reached after ``history``'s losses."""
    return hashlib.sha1(np.concatenate([p.w1.ravel(), p.b1, p.w2.ravel(), p.b2, history])
                        .tobytes()).hexdigest()


@st.cache_resource(max_entries=64, show_spinner=False)
def paused_figures(name: str, heatmap: bool, three_d: bool, lang: str, _p: mlp.MLP,
                   _history: np.ndarray):
    """The three figures for weights ``_p`` (named ``name``): shared by every session that
    shows them, e.g. a class opening the page at the lecturer's settings."""
    return (boundary_figure(_p, heatmap=heatmap), hidden_space_figure(_p, three_d=three_d),
            loss_figure(_history))


def chunk_after(p: mlp.MLP, history: np.ndarray, big: bool, lang: str):
    """(key, build) of the chunk that follows weights ``p`` after ``history``'s losses: the key
    names everything the frames depend on, ``build`` computes (frames as JSON, trajectory)."""
    settings = (float(lr), int(steps_per_tick), bool(show_heatmap), big, lang)
    left = MAX_STEPS - len(history)

    def build():
        with i18n.using(lang):
            traj = mlp.trajectory(p, settings[0], settings[1], frames_player.CHUNK_FRAMES, left)
            style = (lambda fig: presenter.presenter_style(fig)[0]) if big else (lambda fig: fig)
            frames = play_frames(history, traj, settings[0], settings[2], style)
            return plotly.io.json.to_json_plotly(frames), traj
    return f"xor|{digest(p, history)}|{len(history)}|{settings}", build


def settle_play() -> None:
    """Bring the weights to the frame the browser reached in the chunk it was playing."""
    reached = frames_player.settle("xor_play", "xor_player")
    if reached is None:
        return
    traj, at = reached
    state = st.session_state.xor_state
    state["params"] = traj.frames[at].copy()
    state["losses"].extend(traj.losses[:traj.steps[at]].tolist())
    state["diverged"] = traj.diverged and at == len(traj.frames) - 1


def play() -> None:
    """Hand the browser the chunk that follows the current weights (see the module's note)."""
    state = st.session_state.xor_state
    p: mlp.MLP = state["params"]
    steps = len(state["losses"])
    keep_in_url("steps", steps, 0)
    if state["diverged"] or mlp.is_converged(p) or steps >= MAX_STEPS:
        player.stop_and_rerun(KEY)
    big, lang, history = presenter.is_on(), current(), np.asarray(state["losses"])
    frames_json, traj = frames_player.CHUNKS.get(*chunk_after(p.copy(), history, big, lang))
    if traj.frames and not traj.diverged:  # the browser will most likely play it to the end
        last = traj.frames[-1]
        frames_player.CHUNKS.ahead(*chunk_after(last.copy(), np.concatenate(
            [history, traj.losses]), big, lang))
    titles = [t("fig.xor.boundary_title"), t("fig.xor.hidden_title"),
              t("fig.xor.loss_title", level=mlp.CONVERGED_LOSS)] if big else []
    frames_player.hand_over("xor_play", "xor_player", frames_json,
                            [(traj, i) for i in range(len(traj.frames))], wide=[2], big=big,
                            titles=titles)


def frame(playing: bool) -> None:
    settle_play()
    if playing:
        play()
        return
    state = st.session_state.xor_state
    p: mlp.MLP = state["params"]
    f = mlp.forward(p)
    loss = mlp.bce(f.y)
    steps = len(state["losses"])
    keep_in_url("steps", steps, 0)
    done = mlp.is_converged(p)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("xor.m_steps"), f"{steps:,}")
    m2.metric(t("xor.m_loss"), f"{loss:.4f}")
    m3.metric(t("xor.m_right"), t("xor.of_4", n=int(np.sum((f.y > 0.5) == (mlp.XOR_T > 0.5)))))
    m4.metric(t("xor.m_lr"), f"{lr:g}")
    if state["diverged"]:
        st.error(t("xor.overflow", lr=lr))
    elif done:
        st.success(t("xor.converged", steps=steps, level=mlp.CONVERGED_LOSS))
    elif steps >= MAX_STEPS:
        st.info(t("xor.stopped", steps=MAX_STEPS))
    history = np.asarray(state["losses"])
    boundary, hidden_space, losses = paused_figures(digest(p, history), bool(show_heatmap),
                                                    bool(three_d), current(), p.copy(), history)
    left, right = st.columns(2)
    with left:
        live_chart(boundary, key="xor_boundary")
    with right:
        live_chart(hidden_space, key="xor_hidden")
    if hidden >= 3 and not three_d:
        right.caption(t("xor.hidden_caption"))
    live_chart(losses, key="xor_loss")
    table = outputs_table(p)
    st.table(table.style.format(precision=4).hide(axis="index"))
    d1, d2 = st.columns(2)
    d1.download_button(t("xor.download_outputs"), table.to_csv(index=False).encode(),
                       "xor_outputs.csv", "text/csv", key="xor_download_outputs")
    d2.download_button(t("xor.download_loss"),
                       pd.DataFrame({"step": np.arange(1, steps + 1), "loss": state["losses"]})
                       .to_csv(index=False).encode(), "xor_loss.csv", "text/csv",
                       key="xor_download_loss")
    with st.expander(t("xor.weights")):
        for name, value in p.as_dict().items():
            st.text(f"{name} =\n{np.array2string(np.asarray(value), precision=3)}")


player.live(KEY, frame, ticks=False)
if preset:
    y0 = mlp.forward(mlp.lecture_preset()).y.ravel()
    st.caption(t("xor.preset_note", y=", ".join(f"{v:.4f}" for v in y0)))
