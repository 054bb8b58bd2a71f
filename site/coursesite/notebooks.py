"""Run each notebook (nbclient) and record what every widget it displays is, for the site.

The notebook runs top to bottom in a fresh kernel, as `make notebooks` runs it. Then one more
cell, not kept, asks the kernel what each widget shown as a cell's result is: its class, the
setting of its controls and their ranges (public attributes of the widgets). The page shows a
widget it knows kernel-free, from that setting; any other widget becomes a note pointing to the
notebook.
"""

import json

import nbformat
from nbclient import NotebookClient

# Runs in the kernel after the last cell: one line of JSON, {execution count: description}.
PROBE = r"""
import json as _json, re as _re
def _rnnviz_describe(w):
    kind = type(w).__name__
    out = {"kind": kind, "module": type(w).__module__}
    heading = getattr(w, "children", None) and getattr(w.children[0], "value", "")
    found = _re.search(r"<h3>(.*?)</h3>", heading or "")
    if found:
        out["heading"] = found.group(1)
    if hasattr(w, "controls"):
        out["settings"] = dict(w.settings)
        out["controls"] = {
            name: {k: getattr(c, k) for k in ("min", "max", "step", "description")
                   if hasattr(c, k)} | ({"options": [list(o) if isinstance(o, tuple) else o
                                                    for o in c.options]}
                                        if hasattr(c, "options") else {})
            for name, c in w.controls.items()
        }
    if kind == "Quiz":
        out["questions"] = list(w.buttons)
    if kind == "ConnectivityHeatmap":  # the page's maps are for the default network
        import numpy as _np, rnnviz.views as _views
        out["default_network"] = bool(_np.array_equal(
            w.result, _views.connectivity_map(**w.settings), equal_nan=True))
    return out
import ipywidgets as _widgets
print(_json.dumps({n: _rnnviz_describe(v) for n, v in Out.items()
                   if isinstance(v, _widgets.Widget)}, default=str))
"""


def run(path, log, timeout=900):
    """The notebook at `path`, executed, and {execution count: widget description}.

    The kernel's own messages (not the cells' output) go to the file `log`.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    )
    with open(log, "wb") as kernel_log, client.setup_kernel(stdout=kernel_log, stderr=kernel_log):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        probe = nbformat.v4.new_code_cell(PROBE)
        nb.cells.append(probe)  # for the duration of the probe only
        try:
            client.execute_cell(probe, len(nb.cells) - 1, store_history=False)
        finally:
            nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    errors = [o for o in probe.outputs if o.get("output_type") == "error"]
    if errors or not text.strip():
        raise RuntimeError(f"{path.name}: cannot describe its widgets: {errors or probe.outputs}")
    widgets = {int(n): d for n, d in json.loads(text.strip().splitlines()[-1]).items()}
    return nb, widgets
