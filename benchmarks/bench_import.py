"""What the package costs before it computes anything: import time, and each notebook's memory.

1. Import time, each statement in a fresh interpreter, interleaved, median of REPEAT runs (the
   time of the import itself, not the interpreter's start). Goals: `import rnnviz` at most 1.5x
   `import numpy`; `import rnnviz.widgets` at most 0.5 s cold, and less than plotly's
   FigureWidget costs (`import numpy, ipywidgets, plotly.graph_objects`, then a FigureWidget:
   plotly.io's renderers, nbformat, jsonschema), which the live views no longer use: plotly.js
   draws them in the browser and the kernel only computes.
2. Memory: each notebook run top to bottom in a fresh kernel (nbclient), then the kernel's
   maximum resident set size (getrusage ru_maxrss). Goal: at most 150 MB per notebook.

    .venv/bin/python benchmarks/bench_import.py
"""

import resource
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 9
FIGURE_WIDGET = "import numpy, ipywidgets, plotly.graph_objects as go; go.FigureWidget"
STATEMENTS = {  # name: (set-up, not timed; the import timed)
    "numpy": ("", "import numpy"),
    "rnnviz": ("", "import rnnviz"),
    "numpy, plotly.graph_objects, ipywidgets": (
        "",
        "import numpy, plotly.graph_objects, ipywidgets",
    ),
    "... and plotly's FigureWidget": ("", FIGURE_WIDGET),
    "rnnviz.widgets": ("", "import rnnviz.widgets"),
}
MEMORY_GOAL_MB = 150
WIDGETS_GOAL_S = 0.5


def import_seconds(setup, statement):
    timed = f"t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    code = f"{setup}\nimport time; {timed}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def import_times():
    times = {name: [] for name in STATEMENTS}
    for _ in range(REPEAT):  # interleaved, so that a busy moment hits every statement alike
        for name, (setup, statement) in STATEMENTS.items():
            times[name].append(import_seconds(setup, statement))
    return {name: statistics.median(t) for name, t in times.items()}


def notebook_max_rss_mb(path):
    """Run the notebook in a fresh kernel; the kernel's peak memory afterwards, in MB."""
    nb = nbformat.read(path, as_version=4)
    probe = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return int(nb.cells[-1].outputs[0]["text"]) / 1024  # ru_maxrss is in KiB on Linux


def main():
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
    print(f"1. import time, median of {REPEAT} fresh interpreters")
    t = import_times()
    for name, seconds in t.items():
        print(f"   import {name:42s} {1000 * seconds:7.1f} ms")
    ratio = t["rnnviz"] / t["numpy"]
    print(f"   rnnviz / numpy: {ratio:.2f} (goal <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")
    widgets = t["rnnviz.widgets"]
    met = "met" if widgets <= WIDGETS_GOAL_S else "NOT met"
    print(f"   rnnviz.widgets: {widgets:.2f} s (goal <= {WIDGETS_GOAL_S} s: {met})")
    ratio = widgets / t["... and plotly's FigureWidget"]
    print(f"   rnnviz.widgets / plotly's FigureWidget with its libraries: {ratio:.2f}")
    print(f"\n2. peak memory of each notebook's kernel after Run All (goal <= {MEMORY_GOAL_MB} MB)")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        mb = notebook_max_rss_mb(path)
        verdict = "met" if mb <= MEMORY_GOAL_MB else "NOT met"
        print(f"   {path.name:36s} {mb:6.0f} MB  ({verdict})")


if __name__ == "__main__":
    main()
