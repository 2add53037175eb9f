"""Questions on the perceptron page: the next weight of Rosenblatt's rule at the update the
player has reached, the sample whose presentation changes the weights next (clicked in the
input plane), the sigmoid neuron's output, and whether the rule settles on the gate."""

from __future__ import annotations

from lab.data.truth_tables import INPUTS
from lab.figures import CLASS_COLORS
from lab.lessons.perceptron_play import rule_run
from lab.maths.geometry import line_through_plane
from lab.networks import perceptron as pc
from lab.questions.question import Question
from lab.questions.xor import INPUT_NAMES

DIGITS = 3
TOLERANCE = 0.0005  # the page shows weights to 3 decimals


def _run(s: dict):
    seed = int(s["pc_seed"]) if s["pc_init"] == "random" else 0
    return rule_run(s["pc_gate"], float(s["pc_eta"]), int(s["pc_passes"]), s["pc_init"], seed)


def next_weight(s: dict, state: dict) -> Question:
    """w_i after the next update, w_i + eta * (t - f(net)) * x_i, at the update reached; i is
    the first input that is 1 (the bias w0 when both are 0), so the weight can move."""
    run, cursor, w = _reached(s, state)
    row = run.updates.iloc[cursor]
    i = 1 if row["x1"] else 2 if row["x2"] else 0
    return Question("perceptron.next_weight", "numeric", float(row[f"w{i}"]),
                    dict(i=i, wi=f"{w[i]:.3f}", update=cursor + 1, gate=s["pc_gate"], eta=s["pc_eta"],
                         w0=f"{w[0]:.3f}", w1=f"{w[1]:.3f}", w2=f"{w[2]:.3f}",
                         x1=int(row["x1"]), x2=int(row["x2"]), t=int(row["t"]),
                         net=f"{float(row['net']):.3f}", f=int(row["f(net)"]),
                         error=int(row["error"])),
                    tolerance=TOLERANCE, digits=DIGITS)


def _reached(s: dict, state: dict):
    """(run, the next update's row, the weights before it) at the update the player reached."""
    run = _run(s)
    cursor = min(int(state.get("perceptron") or 0), len(run.updates) - 1)
    before = run.w_init if cursor == 0 else run.updates.iloc[cursor - 1][["w0", "w1", "w2"]]
    return run, cursor, [float(v) for v in before]


def next_change(s: dict, state: dict) -> Question | None:
    """Presenting the samples in turn from the update reached, the first one the weights get
    wrong (t != f(net)): its update is the next to move them. Left out when none is left in
    the passes set."""
    run, cursor, w = _reached(s, state)
    ahead = run.updates.iloc[cursor:]
    wrong = ahead[ahead["error"] != 0]
    if wrong.empty:
        return None
    row = wrong.iloc[0]
    sample = int(row["sample"]) - 1
    seg = line_through_plane(w[1], w[2], w[0])
    targets = pc.GATES[s["pc_gate"]]
    plot = dict(x=[float(v) for v in INPUTS[:, 0]], y=[float(v) for v in INPUTS[:, 1]],
                labels=list(INPUT_NAMES), color=[CLASS_COLORS[int(v)] for v in targets],
                segment=None if seg is None else [[seg[0][0], seg[1][0]], [seg[0][1], seg[1][1]]],
                square=True, x_title="questions.axis.x1", y_title="questions.axis.x2")
    return Question("perceptron.next_change", "point", sample,
                    dict(update=cursor + 1, gate=s["pc_gate"], w0=f"{w[0]:.3f}",
                         w1=f"{w[1]:.3f}", w2=f"{w[2]:.3f}", x=INPUT_NAMES[sample],
                         skipped=int(row.name) - cursor,
                         net=f"{float(row['net']):.3f}", f=int(row["f(net)"]), t=int(row["t"])),
                    options=tuple(range(len(INPUTS))), plot=plot)


def sigmoid_output(s: dict, state: dict) -> Question:
    """Y = sigmoid(w1 x1 + w2 x2 + b) for input (0, 1): sigmoid(-0.55) at the lecture's
    weights, which the slide prints as 0.36."""
    row = 1  # the input (0, 1)
    table = pc.sigmoid_table(float(s["sg_w1"]), float(s["sg_w2"]), float(s["sg_b"]),
                             pc.GATES[s["sg_gate"]])
    net, y = float(table["net"].iloc[row]), float(table["Y"].iloc[row])
    lecture = None
    if (float(s["sg_w1"]), float(s["sg_w2"]), float(s["sg_b"])) == (*pc.LECTURE_W, pc.LECTURE_B):
        printed = pc.LECTURE_PRINTED_Y[row]
        lecture = printed if round(y, 2) != printed else None
    x1, x2 = (int(v) for v in INPUTS[row])
    return Question("perceptron.sigmoid", "numeric", y,
                    dict(w1=s["sg_w1"], w2=s["sg_w2"], b=s["sg_b"], x1=x1, x2=x2,
                         net=f"{net:.3f}"),
                    tolerance=0.005, digits=DIGITS, lecture=lecture)


def settles(s: dict, state: dict) -> Question:
    """Does the rule reach a pass with no mistake within the passes set?"""
    run = _run(s)
    answer = "yes" if run.converged_pass is not None else "no"
    reason = ("settled" if answer == "yes" else "cycles" if run.cycle is not None
              else "not_yet")
    return Question("perceptron.settles", "choice", answer,
                    dict(gate=s["pc_gate"], eta=s["pc_eta"], passes=s["pc_passes"],
                         p=run.converged_pass or 0, reason=reason,
                         errors=int(run.passes["errors"].iloc[-1])),
                    options=("yes", "no"), worded=True, explain=f"explain_{reason}")


QUESTIONS = (next_weight, next_change, sigmoid_output, settles)
