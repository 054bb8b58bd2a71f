"""Run each notebook (nbclient) and record what every widget it displays is, for the site.

The notebook runs top to bottom in a fresh kernel, as `make notebooks` runs it. Then one more
cell, not kept, asks the kernel what each widget shown as a cell's result is: its class, its
setting, and for a live view without controls the numbers it draws. The page shows a
widget it knows kernel-free, from that setting; any other widget becomes a note pointing to the
notebook.
"""

import json

import nbformat
from nbclient import NotebookClient

# Runs in the kernel after the last cell: one line of JSON, {execution count: description}.
PROBE = r"""
import base64 as _b64, json as _json, re as _re
def _rnnviz_describe(w):
    kind = type(w).__name__
    out = {"kind": kind, "module": type(w).__module__}
    spec = getattr(w, "spec", None)
    if isinstance(spec, dict) and "controls" in spec:  # a live view (rnnviz.widgets.LiveView)
        out["heading"] = spec.get("heading", "")
        out["spec"] = {k: v for k, v in spec.items() if k != "controls"}
        out["setting"] = dict(w.setting)
        if not spec["controls"]:
            out["result"] = {k: {"f64": _b64.b64encode(v).decode()} if isinstance(v, bytes) else v
                             for k, v in w.result.items()}
    else:
        heading = getattr(w, "children", None) and getattr(w.children[0], "value", "")
        found = _re.search(r"<h3>(.*?)</h3>", heading or "")
        if found:
            out["heading"] = found.group(1)
    if kind == "Quiz":
        out["questions"] = list(w.buttons)
    if kind == "ConnectivityHeatmap":  # the page's maps are for the default network
        out["default_network"] = w.network == {"n_a": 32, "seed": 0}
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
