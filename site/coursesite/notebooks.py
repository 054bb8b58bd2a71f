"""Run each notebook (nbclient) and record what every widget it displays is, for the site.

The notebook runs top to bottom in a fresh kernel, as `make notebooks` runs it. Then one more
cell, not kept, asks the kernel what each widget shown as a cell's result is: its class, its
setting, and for a live view without controls the numbers it draws. The page shows a
widget it knows kernel-free, from that setting; any other widget becomes a note pointing to the
notebook.
"""

import json
import re

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT = 120  # seconds a cell may run: the course's slowest takes under 10 s
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # the colours of IPython's tracebacks


class NotebookError(Exception):
    """A notebook that failed to run: the message names it and its cell, in plain text."""


def plain(text):
    """`text` without terminal colour codes."""
    return ANSI.sub("", str(text))


def where(path, nb, index):
    """'notebook NAME, cell N of M ("its first line")', N counting every cell from 1."""
    first = next((line.strip() for line in nb.cells[index].source.splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f'notebook {path.name}, cell {index + 1} of {len(nb.cells)} ("{first}")'


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


def run(path, log, timeout=CELL_TIMEOUT):
    """The notebook at `path`, executed, and {execution count: widget description}.

    The kernel's own messages (not the cells' output) go to the file `log`. A cell that raises,
    or runs longer than `timeout` seconds, stops the run with a `NotebookError` that names the
    notebook and the cell.
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
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
                client.shutdown_kernel = "immediate"  # a looping cell would not let it go
                raise NotebookError(failure(where(path, nb, index), error, timeout)) from None
        probe = nbformat.v4.new_code_cell(PROBE)
        nb.cells.append(probe)  # for the duration of the probe only
        try:
            client.execute_cell(probe, len(nb.cells) - 1, store_history=False)
        finally:
            nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    errors = [o for o in probe.outputs if o.get("output_type") == "error"]
    if errors or not text.strip():
        said = [f"{e.ename}: {plain(e.evalue)}" for e in errors] or probe.outputs
        raise NotebookError(f"notebook {path.name}: cannot describe its widgets: {said}")
    widgets = {int(n): d for n, d in json.loads(text.strip().splitlines()[-1]).items()}
    return nb, widgets


def failure(place, error, timeout):
    """What went wrong in a cell, in one line of plain text."""
    if isinstance(error, CellTimeoutError):
        return f"{place} did not finish within {timeout} s"
    if isinstance(error, DeadKernelError):
        return f"{place}: the kernel died ({plain(error)})"
    return f"{place} raised {error.ename}: {plain(error.evalue)}"
