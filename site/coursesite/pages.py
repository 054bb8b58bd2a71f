"""Notebook pages with nbconvert's HTML exporter and the `lab` template, extended for the site.

The template (site/templates/rnnviz) keeps the lab template's cells and outputs and changes what
would load from the web: MathJax and plotly.js come from the site itself, notebook widgets
become the site's kernel-free widgets, and nothing is fetched from a CDN (no require.js, no
widget manager, no mermaid). Before export the outputs are prepared here:

- a plotly figure keeps only its `application/vnd.plotly.v1+json` bundle (the notebook renderer
  also embeds the 3.5 MB plotly.js in a page: the site serves it once);
- a widget shown as a cell's result becomes `application/vnd.rnnviz.widget+json`: what the page
  needs to draw it without a kernel, or a note that points to the notebook;
- a widget displayed while a cell runs (a progress bar) is left out;
- the outputs of an exercise check get a note: checking code needs the notebook;
- the outputs of a cell right after a "**Predict:**" question are folded (a `<details>` the
  reader opens), so that the page does not answer the question before the reader does;
- the `# NBVAL_CHECK_OUTPUT` line, a marker for the test suite, is left out of the code shown.
"""

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

import rnnviz as rv

PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.rnnviz.widget+json"
NOTE = "application/vnd.rnnviz.note+json"
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates"
CHECKS = tuple(n for n in rv.__all__ if n.startswith("check_"))  # the exercise checks
PREDICT = re.compile(r"\*\*Predict:\*\*")  # a question whose answer the next cell prints


def title_of(nb):
    """The first heading of the first markdown cell, without a leading number ("5. ")."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#+\s*(?:\d+\.\s+)?(.+)$", cell.source, re.MULTILINE)
            if found:
                return found.group(1).strip()
    return "Notebook"


def summary_of(nb):
    """Markdown for the contents page: what the first cell says the student will be able to do
    (its first list), and the time it takes."""
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    goals = re.search(r"^(?:[-*] .*(?:\n(?![-*] |\n).*)*\n?)+", first, re.MULTILINE)
    time = re.search(r"\*\*Time:\*\*\s*([^.]*)", first)
    text = goals.group(0).strip() if goals else ""
    return text + (f"\n\nTime: {time.group(1).strip()}." if time else "")


def prepare(nb, widgets, specs, names):
    """Prepare the executed notebook's outputs for the site (see the module docstring).

    widgets : {execution count: description from the kernel}
    specs : function (description) -> the widget's page data, or None if it needs a kernel
    names : the notebooks' file stems, whose links (`(NAME.ipynb)` or `(NAME.ipynb#part)` in
        markdown) are turned into links to their pages
    """
    predict = False  # the previous cell asked the reader to predict what this one shows
    for cell in nb.cells:
        asks, predict = predict, False
        if cell.cell_type == "markdown":
            predict = bool(PREDICT.search(cell.source))
            for name in names:  # as written, or URL-encoded; the page's link is URL-encoded
                notebook = "|".join(map(re.escape, {name, quote(name)}))
                cell.source = re.sub(
                    rf"\((?:{notebook})\.ipynb(?=[)#])", f"({quote(name)}.html", cell.source
                )
            continue
        if cell.cell_type != "code":
            continue
        # the marker that tells the test suite to compare a cell's output means nothing here
        cell.source = re.sub(r"\A# NBVAL_CHECK_OUTPUT[^\n]*\n?", "", cell.source)
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY in data:
                output.data = {PLOTLY: data[PLOTLY]}
            elif set(data) == {"text/html"} and "window.PlotlyConfig" in data["text/html"]:
                continue  # plotly.js itself, embedded by the notebook renderer
            elif "application/vnd.jupyter.widget-view+json" in data:
                described = widgets.get(output.get("execution_count"))
                if output.output_type != "execute_result" or described is None:
                    continue  # shown while the cell ran, e.g. a progress bar
                output.data = {WIDGET: specs(described)}
            outputs.append(output)
        if any(re.search(rf"\brv\.{name}\(", cell.source) for name in CHECKS):
            outputs.append(
                nbformat.v4.new_output("display_data", data={NOTE: {"kind": "exercise"}})
            )
        cell.outputs = outputs
        # a result shown under its question would answer it: fold it (not a live widget, which
        # the reader drives, nor an exercise's note)
        if asks and outputs and not any({WIDGET, NOTE} & set(o.get("data", {})) for o in outputs):
            cell.metadata["rnnviz_reveal"] = True
    return nb


def exporter():
    config = Config()
    config.HTMLExporter.template_name = "rnnviz"
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.theme = "light"
    config.HTMLExporter.exclude_anchor_links = False
    config.NbConvertBase.display_data_priority = [
        WIDGET,
        NOTE,
        PLOTLY,
        "text/html",
        "text/markdown",
        "image/svg+xml",
        "text/latex",
        "image/png",
        "image/jpeg",
        "text/plain",
    ]
    html_exporter = HTMLExporter(config=config)
    html_exporter.register_filter("script_json", script_json)
    html_exporter.register_filter("plot_label", plot_label)
    return html_exporter


def render(nb, page):
    """The page's HTML. `page`: its title, neighbours and links (see the template)."""
    body, _ = exporter().from_notebook_node(nb, resources={"rnnviz": page})
    return body


def plot_label(figure):
    """A text alternative for a plotly figure: its title, and its axes' titles."""

    def text(obj):
        title = (obj or {}).get("title")
        title = title.get("text") if isinstance(title, dict) else title
        return html.unescape(re.sub(r"<[^>]+>", " ", title or "")).strip()

    layout = figure.get("layout", {})
    parts = [text(layout)]
    axes = [text(layout.get(k)) for k in sorted(layout) if re.fullmatch(r"[xy]axis\d*", k)]
    axes = [a for a in axes if a]
    if axes:
        parts.append("axes: " + "; ".join(axes))
    return "Figure: " + ". ".join(p for p in parts if p)


def script_json(value):
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
