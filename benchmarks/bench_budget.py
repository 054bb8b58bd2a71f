"""Peak memory and time of the largest call of each kind the default budget accepts.

For each kind of call (tests/test_limits.py: EDGE_CALLS), the largest size the budget accepts is
found by bisection (refused sizes fail before allocating); that call's peak memory (tracemalloc)
and time are printed against the budget. Then one training run at the edge of the work budget
is timed, against the "about a minute" the budget stands for.

    .venv/bin/python benchmarks/bench_budget.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_limits import EDGE_CALLS, peak  # noqa: E402

import rnnviz as rv  # noqa: E402
from rnnviz import budget  # noqa: E402


def edge(make, hi):
    """(size, peak bytes, seconds) of the largest accepted size in [2, hi)."""
    lo, best = 2, None
    while lo < hi:
        mid = (lo + hi) // 2
        start = time.perf_counter()
        try:
            used, _ = peak(make(mid))
        except (rv.BudgetError, ValueError):
            hi = mid
            continue
        best, lo = (mid, used, time.perf_counter() - start), mid + 1
    return best


def main():
    memory = rv.get_budget()["memory"]
    print(f"bench_budget: the largest call of each kind inside {memory / 2**30:.0f} GiB")
    with rv.set_budget(operations=10**13):  # the memory edge only
        for name, make in EDGE_CALLS.items():
            size, used, seconds = edge(make, 10_001)
            print(f"  {name:22s} size {size:6d}: peak {used / 2**20:7.1f} MiB "
                  f"({used / memory:4.0%} of the budget), {seconds:6.1f} s")  # fmt: skip
    # the work edge: the most steps of a small training run the operations budget accepts
    params = rv.init_params(2, 32, 2, seed=0)
    x, y = rv.adding(256, 50, seed=0)
    _, per_step = budget.pass_cost("rnn", 50, 64, 2, 32, 2)
    steps = rv.get_budget()["operations"] // (per_step + 100 * budget.OPERATIONS_PER_STEP)
    try:
        rv.train(params, x, y, steps=int(steps) + 1, batch_size=64)
        print("  one step beyond the work edge was not refused")
    except rv.BudgetError:
        pass
    start = time.perf_counter()
    rv.train(params, x, y, steps=int(steps), batch_size=64)
    seconds = time.perf_counter() - start
    print(f"  train, {steps:,} steps (the work edge): {seconds:.1f} s "
          f"(the budget stands for about {budget._LIMITS['operations'] / 1e9:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
