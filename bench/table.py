"""The benchmarks' one output: a Markdown table, a row per figure beside its same-run baseline.

    | what | measured | baseline (same run) | ratio | note |

``run_sections`` runs a command's sections in order, prints a FAILED row for one that raised
and goes on; the command then exits non-zero (nothing is asserted about the numbers).
"""

from __future__ import annotations

import sys
from typing import Callable

import numpy as np

HEADER = "| what | measured | baseline (same run) | ratio | note |\n| --- | --- | --- | --- | --- |"


def row(name: str, value: str, baseline: str, ratio: str, note: str = "") -> None:
    print(f"| {name} | {value} | {baseline} | {ratio} | {note} |", flush=True)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def run_sections(sections: dict[str, Callable[[], object]], only: str | None = None) -> int:
    """Run each section (or ``only`` that one) under the table's header: 0 if all ran, 1 if
    any failed (its row says how)."""
    print(HEADER, flush=True)
    failed = []
    for name, fn in sections.items():
        if only and name != only:
            continue
        try:
            fn()
        except Exception as err:  # report, run the rest, fail the command at the end
            failed.append(name)
            row(f"section {name}", "FAILED", "-", "-", f"{type(err).__name__}: {err}")
    if failed:
        print(f"failed sections: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
