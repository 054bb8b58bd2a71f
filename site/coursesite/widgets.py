"""What a page needs to show a notebook's live view without a kernel, or why it cannot.

`spec(description)` takes what the kernel said about a view (coursesite.notebooks) and returns
the page's data for it: its module (rnnviz/widgets/static/<view>.js, the one JupyterLab runs),
its controls on the site's grid (`rnnviz.views.spec(..., site=True)`, the declaration the widget
itself uses) and the setting it starts at; a view without controls brings the numbers the kernel
computed. A view whose setting lies off the site's grid gets `live: False`: the page then says
that it needs the notebook.
"""

import html
import re
import sys

import rnnviz as rv
from rnnviz import views

# kind of view on the page: (its module, its controls, the page's data for it)
LIVE = {
    "GradientFlowExplorer": ("explorer", "explorer.js", views.EXPLORER),
    "GradientFlowView": ("explorer", "explorer.js", ()),
    "ClippingGeometry": ("clipping", "clipping.js", views.CLIPPING),
    "ConnectivityHeatmap": ("heatmap", "heatmap.js", views.HEATMAP),
    "CellExplorer": ("cells", "cells.js", views.CELLS),
}
KINDS = tuple(dict.fromkeys(kind for kind, _, _ in LIVE.values()))  # with the site's data


def _off_grid(kind, reason):
    print(f"site: a {kind} is shown as needing the notebook: {reason}", file=sys.stderr)


def live(d):
    """A live view's page data, or None when its setting is not on the site's grid."""
    kind, module, controls = LIVE[d["kind"]]
    setting = d.get("setting") or {}
    problems = []
    for c in controls:
        value = setting.get(c.name)
        if value not in (c.on_site() or (c.default,)):
            where = "fixed on the site at" if c.site == () else "not on the site's grid"
            problems.append(f"{c.name} = {value!r} ({where} {c.default!r})" if c.site == () else
                            f"{c.name} = {value!r} ({where})")  # fmt: skip
    if d["kind"] == "ConnectivityHeatmap" and not d.get("default_network"):
        problems.append("n_a or seed differ from the defaults")
    if problems:
        _off_grid(d["kind"], ", ".join(problems))
        return None
    spec = views.spec(controls, site=True, heading=d["spec"].get("heading", ""))
    spec |= {k: v for k, v in d["spec"].items() if k not in spec}  # parts, presets, ...
    if controls:
        spec["note"] = note(controls)
        spec["fixed"] = {c.name: setting.get(c.name, c.default) for c in controls if c.site == ()}
    out = {"kind": kind, "module": module, "spec": spec, "setting": setting}
    if not controls:
        out["result"] = d["result"]
    return out


def note(controls):
    """What the page says of its grid: the sliders move over precomputed settings, and the
    controls it keeps fixed (the notebook's view changes them)."""
    fixed = [f"{c.label.split()[-1]} = {c.default}" for c in controls if c.site == ()]
    text = "Precomputed settings"
    if fixed:
        text += f"; {', '.join(fixed)} here (the notebook changes them too)"
    return text + "."


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


def spec(d):
    """The page's data for the widget the kernel described as `d`."""
    heading = html.unescape(
        d.get("heading")
        or {"Quiz": "Self-check quiz", "GradientFlowView": "Gradient through time"}.get(
            d["kind"], d["kind"]
        )
    )
    if d["kind"] == "Quiz":
        return {"kind": "quiz", "live": True, "heading": heading, **quiz(d)}
    made = live(d) if d["kind"] in LIVE else None
    if made is None:
        return {"kind": d["kind"], "live": False, "heading": heading}
    return {"live": True, "heading": heading, **made}


def check_quiz_score(questions, answers):
    """The score line the widget shows for `answers` {question: choice} (for the tests)."""
    widget = rv.Quiz(questions)
    for name, choice in answers.items():
        widget.buttons[name].value = choice
    return widget.score.value
