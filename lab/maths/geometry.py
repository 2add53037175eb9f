"""Plane geometry the figures draw: a line clipped to the input plane, and the level curve of a
grid of values (marching squares). Plain NumPy, tested in ``tests/test_figures.py``."""

from __future__ import annotations

import numpy as np

# The input plane the two-input lessons draw: a margin around the unit square.
PLANE = (-0.5, 1.5)


def line_through_plane(a: float, b: float, c: float, lo: float = PLANE[0], hi: float = PLANE[1]):
    """Two end points of ``a*x1 + b*x2 + c = 0`` clipped to the square [lo, hi]^2, or None."""
    pts = []
    if abs(b) > 1e-12:
        for x1 in (lo, hi):
            x2 = -(a * x1 + c) / b
            if lo - 1e-9 <= x2 <= hi + 1e-9:
                pts.append((x1, x2))
    if abs(a) > 1e-12:
        for x2 in (lo, hi):
            x1 = -(b * x2 + c) / a
            if lo - 1e-9 <= x1 <= hi + 1e-9:
                pts.append((x1, x2))
    pts = sorted(set((round(x, 12), round(y, 12)) for x, y in pts))
    if len(pts) < 2:
        return None
    return pts[0], pts[-1]


def level_curve(xs, ys, z, level: float = 0.5):
    """Where ``z`` crosses ``level``: marching squares on a grid, as x and y arrays of line
    segments separated by NaN (one Plotly line trace draws them all).

    ``z[i, j]`` is the value at ``(xs[j], ys[i])``. Plotly's own contour trace does the same in
    the browser but is several times slower to draw, which matters on every animation frame.
    """
    xs, ys, z = np.asarray(xs, float), np.asarray(ys, float), np.asarray(z, float)
    a, b, c, d = z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]  # corners: bl, br, tr, tl
    x0, x1 = np.meshgrid(xs[:-1], ys[:-1])[0], np.meshgrid(xs[1:], ys[:-1])[0]
    y0, y1 = np.meshgrid(xs[:-1], ys[:-1])[1], np.meshgrid(xs[:-1], ys[1:])[1]

    def cross(p, q):
        with np.errstate(divide="ignore", invalid="ignore"):
            return ((p >= level) != (q >= level)), np.clip((level - p) / (q - p), 0, 1)

    vb, tb = cross(a, b)  # bottom edge, left to right
    vr, tr = cross(b, c)  # right edge, bottom to top
    vt, tt = cross(d, c)  # top edge, left to right
    vl, tl = cross(a, d)  # left edge, bottom to top
    px = np.stack([x0 + tb * (x1 - x0), x1, x0 + tt * (x1 - x0), x0])
    py = np.stack([y0, y0 + tr * (y1 - y0), y1, y0 + tl * (y1 - y0)])
    valid = np.stack([vb, vr, vt, vl])
    count = valid.sum(0)
    segs = []
    two = count == 2
    if two.any():
        order = np.argsort(~valid[:, two], axis=0, kind="stable")[:2]  # the two crossed edges
        cols = np.arange(two.sum())
        sx, sy = px[:, two], py[:, two]
        segs.append((sx[order[0], cols], sy[order[0], cols], sx[order[1], cols], sy[order[1], cols]))
    four = count == 4
    if four.any():  # saddle: pair the edges by the value at the cell's centre
        centre_high = ((a + b + c + d) / 4 >= level)[four]
        a_high = (a >= level)[four]
        sx, sy = px[:, four], py[:, four]
        same = centre_high == a_high  # a's corner joins the centre: cut off b and d
        e1 = np.where(same, 0, 0), np.where(same, 1, 3)
        e2 = np.where(same, 2, 1), np.where(same, 3, 2)
        cols = np.arange(four.sum())
        for (p, q) in (e1, e2):
            segs.append((sx[p, cols], sy[p, cols], sx[q, cols], sy[q, cols]))
    if not segs:
        return np.empty(0), np.empty(0)
    ax, ay, bx, by = (np.concatenate(parts) for parts in zip(*segs))
    nan = np.full_like(ax, np.nan)
    return np.column_stack([ax, bx, nan]).ravel(), np.column_stack([ay, by, nan]).ravel()
