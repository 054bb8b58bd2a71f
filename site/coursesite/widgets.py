"""What a page needs to draw a notebook's widget without a kernel, or why it cannot.

`spec(description)` takes what the kernel said about a widget (coursesite.notebooks) and returns
the page's data for it: the setting it starts at, its heading, and its figure made by the widget
itself (rnnviz's own figure, to which the page only assigns new numbers). A widget whose setting
lies off the site's grid, or that the site cannot run, gets `live: False`: the page then says
that it needs the notebook.
"""

import html
import json
import re
import sys

import rnnviz as rv

from . import data


def _figure(widget):
    return json.loads(widget.figure.to_json())


def _off_grid(kind, reason):
    print(f"site: a {kind} is shown as needing the notebook: {reason}", file=sys.stderr)


def explorer(d):
    s = d["settings"]
    fixed = {k: s.get(k) for k in data.FIXED}
    clip = s.get("clip_threshold")
    options = data.explorer_options()
    problems = [f"{k} = {v!r}" for k, v in fixed.items() if v != data.FIXED[k]] + [
        f"{k} = {s[k]!r} is not on the grid"
        for k, grid in (("T", data.EXPLORER_T), ("weight_scale", data.EXPLORER_SIGMA))
        if s[k] not in grid
    ]
    if clip is not None and clip not in [v for _, v in options["clip"]]:
        problems.append(f"clip_threshold = {clip!r} is not one of the explorer's thresholds")
    if problems:
        _off_grid("GradientFlowExplorer", ", ".join(problems))
        return None
    widget = rv.GradientFlowExplorer(
        T=s["T"], weight_scale=s["weight_scale"], clip_threshold=clip, activation=s["activation"]
    )
    return {
        "settings": {k: s[k] for k in ("T", "weight_scale", "clip_threshold", "activation")},
        "fixed": data.FIXED,
        "labels": {name: c.get("description", name) for name, c in d["controls"].items()},
        "figure": _figure(widget),
        "speeds": list(widget.chain.speeds),
        "speed": widget.chain.speed,
    }


def clipping(d):
    s = d["settings"]
    problems = [f"{k} = {s[k]!r}" for k in ("g1", "g2") if s[k] not in data.CLIP_G]
    if s["clip_threshold"] not in data.CLIP_C:
        problems.append(f"clip_threshold = {s['clip_threshold']!r}")
    if problems:
        _off_grid("ClippingGeometry", ", ".join(problems) + " (not on the grid)")
        return None
    widget = rv.ClippingGeometry(g=(s["g1"], s["g2"]), clip_threshold=s["clip_threshold"])
    figure = _figure(widget)
    return {
        "settings": s,
        "labels": {name: c.get("description", name) for name, c in d["controls"].items()},
        "figure": figure,
        "limit": figure["layout"]["xaxis"]["range"][1],
    }


def heatmap(d):
    s = d["settings"]
    problems = [] if d.get("default_network") else ["n_a or seed differ from the defaults"]
    if s["T"] not in data.HEATMAP_T or s["weight_scale"] not in data.heatmap_sigmas():
        problems.append(f"T = {s['T']}, weight_scale = {s['weight_scale']} (not on the grid)")
    if problems:
        _off_grid("ConnectivityHeatmap", ", ".join(problems))
        return None
    widget = rv.ConnectivityHeatmap(**s)
    return {
        "settings": s,
        "labels": {name: c.get("description", name) for name, c in d["controls"].items()},
        "figure": _figure(widget),
    }


def cells(d):
    """The gated cells' explorer (notebook 6): its curves come from the grid of data.CELLS_*."""
    from rnnviz.lessons import gated

    s = d["settings"]
    off = [
        f"{k} = {s[k]!r}"
        for k, grid in (
            ("T", data.CELLS_T),
            ("update_bias", data.CELLS_BIAS),
            ("forget_bias", data.CELLS_BIAS),
        )
        if s[k] not in grid
    ]
    if off:
        _off_grid("CellExplorer", ", ".join(off) + " (not on the grid)")
        return None
    widget = gated.CellExplorer(**s)
    figure = _figure(widget)
    return {
        "settings": s,
        "labels": {name: c.get("description", name) for name, c in d["controls"].items()},
        "figure": figure,
        "show": {k: list(v) for k, v in gated.SHOW.items()},
        "reach": gated.REACH_LABELS,
    }


def quiz(d):
    """Every question, its choices, and the feedback the widget gives for each choice."""
    questions = []
    whole = rv.Quiz(d["questions"])  # numbered as in the notebook: heading, choices, feedback
    for i, name in enumerate(d["questions"]):
        choices = []
        for j, (label, _) in enumerate(rv.Quiz(name).buttons[name].options):
            widget = rv.Quiz(name)  # a fresh quiz: the score tells whether the choice is right
            widget.buttons[name].value = j
            feedback = widget.children[2].value
            right = re.search(r"Score: (\d+) of", widget.score.value).group(1) == "1"
            choices.append({"label": label, "feedback": feedback, "right": right})
        heading = whole.children[3 * i].value
        questions.append({"name": name, "heading": heading, "choices": choices})
    return {"questions": questions, "score": whole.score.value}


LIVE = {
    "GradientFlowExplorer": ("explorer", explorer),
    "ClippingGeometry": ("clipping", clipping),
    "ConnectivityHeatmap": ("heatmap", heatmap),
    "Quiz": ("quiz", quiz),
    "CellExplorer": ("cells", cells),
}


def spec(d):
    """The page's data for the widget the kernel described as `d`."""
    heading = html.unescape(
        d.get("heading") or {"Quiz": "Self-check quiz"}.get(d["kind"], d["kind"])
    )
    kind, make = LIVE.get(d["kind"], (d["kind"], None))
    made = make(d) if make else None
    if made is None:
        return {"kind": kind, "live": False, "heading": heading}
    return {"kind": kind, "live": True, "heading": heading, **made}


def check_quiz_score(questions, answers):
    """The score line the widget shows for `answers` {question: choice} (for the tests)."""
    widget = rv.Quiz(questions)
    for name, choice in answers.items():
        widget.buttons[name].value = choice
    return widget.score.value
