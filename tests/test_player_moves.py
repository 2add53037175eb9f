"""The player's moving frames (ui/frames_player_frontend) drawn as Plotly draws them: a lesson's
frames played one after the other on a chart first drawn by Plotly (the player's own page, in
headless Chromium, no server), then the last one drawn afresh by Plotly.react beside it. The
two charts' lines, markers, texts and heat-maps must agree (to Plotly's own rounding of a
pixel), and so must the points hover reads."""

import json
import shutil

import pytest

from tests.test_browser import CHROMIUM, browser  # noqa: F401 (the module's browser)

pytestmark = pytest.mark.browser
FRAMES = 12  # frames moved after the first full draw

# Play frames 1.. on chart A after a full draw of frame 0 (as the player does: a moving frame
# or a full draw); draw the last one on chart B by Plotly.react; what each chart shows.
PLAY = """async ([frames, k]) => {
  const template = frames[0].figs[k].layout.template;
  const layout = (fig) => Object.assign({template: template}, fig.layout, {autosize: true});
  const a = document.createElement("div"), b = document.createElement("div");
  for (const div of [a, b]) { div.style.width = "600px"; document.body.appendChild(div); }
  await drawFull(a, frames[0].figs[k], layout(frames[0].figs[k]));
  let moved = 0;
  for (const f of frames.slice(1)) {
    if (drawMoving(a, f.figs[k])) moved++; else await drawFull(a, f.figs[k], layout(f.figs[k]));
    while (a._animating) await new Promise((r) => setTimeout(r, 10));
  }
  const last = frames[frames.length - 1].figs[k];
  await Plotly.react(b, last.data, layout(last), {});
  const seen = (div) => div._fullData.map((t, i) => {
    const g = div.querySelector("g.trace" + t.uid);
    const lines = g ? [...g.querySelectorAll(".js-line")] : [];
    const box = lines.map((p) => p.getBBox()).filter((r) => r.width || r.height);
    return {
      type: t.type,
      length: lines.reduce((n, p) => n + p.getTotalLength(), 0),
      box: box.length ? [Math.min(...box.map((r) => r.x)), Math.min(...box.map((r) => r.y)),
                         Math.max(...box.map((r) => r.x + r.width)),
                         Math.max(...box.map((r) => r.y + r.height))] : null,
      points: g ? [...g.querySelectorAll("path.point")].map((p) => [p.getAttribute("transform"),
        getComputedStyle(p).strokeWidth, getComputedStyle(p).stroke]) : [],
      texts: g ? [...g.querySelectorAll(".textpoint text")].map((e) => [e.getAttribute("x"),
        e.getAttribute("y"), e.textContent]) : [],
      hover: t.type === "scatter" ? div.calcdata[i].filter((d) => Number.isFinite(d.x)
        && Number.isFinite(d.y)).map((d) => [d.x, d.y]) : [],
      customdata: t.customdata ? JSON.stringify(Array.from(t.customdata, (r) => Array.from(r)))
        : null,
      image: t.type === "heatmap" ? (div.querySelectorAll(".heatmaplayer image")[0] || {})
        .getAttribute?.("href") : null};
  });
  return {moved: moved, a: seen(a), b: seen(b)};
}"""


def _lessons() -> dict:
    from bench.browser_fps import _lessons as played
    return played()


@pytest.fixture(scope="module")
def player_page(browser, tmp_path_factory):  # noqa: F811
    from ui.frames_player import _PAGE
    from ui.live_plot import _PLOTLY_JS
    folder = tmp_path_factory.mktemp("player")
    for src in (_PAGE, _PLOTLY_JS):
        shutil.copyfile(src, folder / src.name)
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto((folder / "index.html").as_uri())
    page.wait_for_function("() => window.Plotly !== undefined", timeout=60_000)
    yield page
    page.close()


@pytest.mark.parametrize("name", ["XOR", "perceptron", "RNN words", "RNN sine"])
def test_moving_frames_draw_what_plotly_draws(player_page, name):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from ui.frames_player import encode
    lesson = _lessons()[name]
    played = lesson.frames_after(lesson.start(), FRAMES + 1)
    frames = json.loads(encode(played))
    for k in range(len(frames[0]["figs"])):
        got = player_page.evaluate(PLAY, [frames, k])
        assert got["moved"] >= (len(frames) - 1) // 2, "most frames move (the test's point)"
        for a, b in zip(got["a"], got["b"], strict=True):
            assert a["type"] == b["type"]
            assert a["length"] == pytest.approx(b["length"], rel=0.01, abs=1.0), (name, k)
            if a["box"] or b["box"]:
                assert a["box"] == pytest.approx(b["box"], abs=0.6), (name, k)
            assert len(a["points"]) == len(b["points"])
            for (ta, wa, ca), (tb, wb, cb) in zip(a["points"], b["points"]):
                assert _xy(ta) == pytest.approx(_xy(tb), abs=0.02) and (wa, ca) == (wb, cb)
            assert [s for *_, s in a["texts"]] == [s for *_, s in b["texts"]]
            assert _flat(a["texts"]) == pytest.approx(_flat(b["texts"]), abs=0.02)
            assert _flat(a["hover"]) == pytest.approx(_flat(b["hover"]), rel=1e-6), (name, k)
            assert a["customdata"] == b["customdata"] and a["image"] == b["image"]


def _flat(rows: list) -> list[float]:
    return [float(v) for row in rows for v in row[:2]]


def _xy(transform: str) -> tuple[float, float]:
    x, y = transform.removeprefix("translate(").removesuffix(")").split(",")
    return float(x), float(y)
