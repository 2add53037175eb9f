"""Draws docs/imports.svg: the layers of lab/ (``lab.LAYERS``, top to bottom) with ui/ and
pages/ above them, and an arrow for every pair of layers one imports from the other, read as
tests/test_layers.py reads them. An arrow that ran up would be drawn red.

    python docs/imports.py
"""

import collections
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lab  # noqa: E402
from tests.test_layers import imported, layer, module_name, sources  # noqa: E402

OUT = ROOT / "docs" / "imports.svg"
ROW, BOX = 58, 36  # a layer's row and its box's height
LEFT, RIGHT, TOP = 230, 790, 20  # the boxes' edges; arrows between distant layers run beside
LANE = 9


def node(module: str) -> str | None:
    """The box a module is drawn in: its lab layer, or ``ui``/``pages``."""
    top = module.split(".")[0]
    return layer(module) if top == "lab" else top if top in ("ui", "pages") else None


def read() -> tuple[dict, dict]:
    """Each box's modules (and sub-packages), and how many imports run from one box to
    another."""
    members, arrows = collections.defaultdict(set), collections.Counter()
    for folder in ("lab", "ui", "pages"):
        for path in sources(folder):
            module = module_name(path)
            here = node(module)
            if here is None:
                continue
            inside = module.split(".")[2 if folder == "lab" else 1:]  # lab.prepare: itself
            if path.name != "__init__.py":
                members[here].add((inside or [here])[0])
            for _, name in imported(path.read_text(encoding="utf-8"), module,
                                    path.name == "__init__.py"):
                there = node(name)
                if there is not None and there != here:
                    arrows[here, there] += 1
    for (a, b) in [k for k in arrows if k[0] in ("ui", "pages") and k[1] not in ("ui", "pages")]:
        arrows[a, "lab"] += arrows.pop((a, b))  # ui and pages may use any layer: one arrow
    return members, arrows


def draw(members: dict, arrows: dict) -> str:
    rows = ["pages", "ui", *reversed([n for n in lab.LAYERS if members.get(n)])]
    y = {name: TOP + i * ROW + (16 if i >= 2 else 0) for i, name in enumerate(rows)}
    y["lab"] = y[rows[2]] - 12  # the lab frame's top edge
    height = y[rows[-1]] + BOX + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="1020" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
           'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
           'fill="context-stroke"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<rect x="{LEFT - 200}" y="{y["lab"]}" width="{RIGHT - LEFT + 400}" '
           f'height="{height - y["lab"] - 20}" rx="8" fill="#f6f8fa" stroke="#8c959f"/>',
           f'<text x="{LEFT - 190}" y="{y["lab"] + 16}" font-weight="bold">lab/ (no Streamlit)'
           '</text>']
    lanes = {"left": 0, "right": 0}
    order = sorted(arrows, key=lambda k: abs(rows.index(k[1]) - rows.index(k[0]))
                   if k[1] != "lab" else 0)
    for a, b in order:
        width = 1 + min(arrows[a, b], 40) / 20
        up = b != "lab" and rows.index(b) < rows.index(a)
        color = "#cf222e" if up else "#57606a"
        top, bottom = y[a] + BOX, y[b] - (0 if b == "lab" else 1)
        if b == "lab" or rows.index(b) - rows.index(a) == 1:
            x = (LEFT + RIGHT) / 2 + (40 if a == "pages" and b == "lab" else 0)
            if a == "pages" and b == "lab":  # past the ui box, on the right
                x = RIGHT + 30
                path = f"M{RIGHT},{y[a] + BOX / 2} H{x} V{bottom}"
            else:
                path = f"M{x},{top} V{bottom}"
        else:
            side = "right" if lanes["right"] <= lanes["left"] else "left"
            lanes[side] += 1
            edge, sign = (RIGHT, 1) if side == "right" else (LEFT, -1)
            x = edge + sign * LANE * lanes[side]
            dy = 6 + (lanes[side] % 4) * 6
            path = (f"M{edge},{y[a] + dy} H{x} V{y[b] + BOX - dy} H{edge}")
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{width:.1f}" '
                   f'marker-end="url(#head)"><title>{a} imports {b} ({arrows[a, b]} imports)'
                   '</title></path>')
    for name in rows:
        label = f"{name}/" if name in ("ui", "pages") else f"lab.{name}"
        mods = ", ".join(sorted(members[name]))
        out += [f'<rect x="{LEFT}" y="{y[name]}" width="{RIGHT - LEFT}" height="{BOX}" rx="4" '
                'fill="#ddeeff" stroke="#0969da"/>',
                f'<text x="{LEFT + 8}" y="{y[name] + 15}" font-weight="bold">{label}</text>',
                f'<text x="{LEFT + 8}" y="{y[name] + 29}" font-size="10" fill="#24292f">'
                f'{escape(mods if len(mods) < 95 else mods[:92] + "...")}</text>']
    out.append(f'<text x="{LEFT - 190}" y="{height - 8}" font-size="10" fill="#57606a">An '
               'arrow: the upper box imports from the lower (its width grows with the number '
               'of imports). Made by python docs/imports.py.</text>')
    return "\n".join(out + ["</svg>", ""])


if __name__ == "__main__":
    OUT.write_text(draw(*read()), encoding="utf-8")
    print(OUT.relative_to(ROOT))
