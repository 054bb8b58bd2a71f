"""Kernel-side cost of one slider change in the GradientFlowExplorer: compute, then send.

Budget: well under 20 ms at the defaults (T = 50, n_a = 32), under 50 ms at the largest
settings (T = 200, n_a = 64). A change of the view's `setting` runs `gradient_flow` (one
forward and one backward pass, diagnostics.explore) and sets `result`, the numbers as float64
bytes, which the browser's module draws; this measures the whole observer, as a move of a
control runs it, and its two halves (compute, and turning the result into what is sent).

    .venv/bin/python benchmarks/bench_explorer.py
"""

import os
import statistics
import time

from rnnviz.views import flow_numbers, gradient_flow
from rnnviz.widgets import GradientFlowExplorer

REPEAT = 40
SETTINGS = {
    "defaults (T=50, n_a=32, tanh, float64)": {},
    "largest (T=200, n_a=64, sigma=3, tanh)": {"T": 200, "n_a": 64, "weight_scale": 3.0},
    "largest, clipping on (c=1)": {
        "T": 200, "n_a": 64, "weight_scale": 3.0, "clip_threshold": 1.0,
    },
    "largest, relu float32 (NaN)": {
        "T": 200, "n_a": 64, "weight_scale": 3.0, "activation": "relu", "dtype": "float32",
    },
    "largest, sigmoid sigma=0.1 (tiny numbers)": {
        "T": 200, "n_a": 64, "weight_scale": 0.1, "activation": "sigmoid",
    },
}  # fmt: skip


def ms(seconds):
    return f"{1000 * seconds:6.1f} ms"


def measure(settings):
    """Median and 90th percentile of: the whole slider change, the compute, the numbers sent."""
    explorer = GradientFlowExplorer(**settings)
    whole, compute, draw = [], [], []
    for i in range(REPEAT):
        seed = 1 + i % 5  # the seed slider: a full recompute, the same cost as any other slider
        start = time.perf_counter()
        explorer.set(seed=seed)
        whole.append(time.perf_counter() - start)
        s = explorer.settings
        start = time.perf_counter()
        result = gradient_flow(**s)
        compute.append(time.perf_counter() - start)
        start = time.perf_counter()
        flow_numbers(result, setting=s)
        draw.append(time.perf_counter() - start)
    return [(statistics.median(t), sorted(t)[int(0.9 * len(t))]) for t in (whole, compute, draw)]


def main():
    print(f"bench_explorer: one slider change, kernel side, median of {REPEAT} (90th percentile)")
    print(
        f"  cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    print(f"  {'setting':44s} {'whole change':>22s} {'compute':>22s} {'send':>22s}")
    for label, settings in SETTINGS.items():
        parts = measure(settings)
        cells = "".join(f"{ms(m)} ({ms(p).strip():>8s})  " for m, p in parts)
        budget = 0.020 if not settings else 0.050
        verdict = "ok" if parts[0][0] < budget else f"OVER {1000 * budget:.0f} ms"
        print(f"  {label:44s} {cells} {verdict}")


if __name__ == "__main__":
    main()
