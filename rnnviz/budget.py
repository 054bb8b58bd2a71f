"""The budget: how much memory one call may hold at once, and how much work it may do.

Every public function that computes estimates both from the sizes of its arguments before it
allocates anything, and refuses a call above the budget with a `BudgetError` that says what to
make smaller. The defaults (1 GiB, and about a minute of work on a laptop) keep a kernel alive on
an 8 GB machine; a run that needs more raises the budget, for the whole session or for a block:

    rv.set_budget(memory=4 * 2**30)              # from now on
    with rv.set_budget(operations=10**12):       # for this block only
        rv.train(...)

Work is counted in operations: multiply-adds, plus OPERATIONS_PER_STEP for each step of a
Python-level loop (its overhead at these sizes). A laptop core does about OPERATIONS_PER_SECOND.
"""

import math

OPERATIONS_PER_STEP = 10_000  # a loop step's overhead, about 10 microseconds
OPERATIONS_PER_SECOND = 10**9  # one core of a laptop at these sizes
_LIMITS = {"memory": 2**30, "operations": 60 * OPERATIONS_PER_SECOND}

# How many arrays of T * m * n_a numbers one forward and backward pass of each cell holds at once
# (its cache, the gradients through time, the temporaries), measured with tracemalloc: 7.3 (rnn),
# 13.5 (gru), 18.0 (lstm), rounded up.
PASS_ARRAYS = {"rnn": 8, "gru": 15, "lstm": 20}
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


class BudgetError(ValueError):
    """A call would hold more memory, or do more work, than the budget allows."""


class _Restore:
    """What `set_budget` returns: the previous budget, restored at the end of a `with` block."""

    def __init__(self, previous):
        self.previous = previous

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _LIMITS.update(self.previous)

    def __repr__(self):
        return f"previous budget: {self.previous}"


def get_budget():
    """The budget: {"memory": bytes one call may hold at once, "operations": its work}."""
    return dict(_LIMITS)


def set_budget(*, memory=None, operations=None):
    """Set the memory (bytes) and work (operations) one call may use; None keeps a value.

    Returns an object that restores the previous budget when used as a context manager.
    """
    from ._checks import check_int

    previous = dict(_LIMITS)
    new = {}
    for name, value in (("memory", memory), ("operations", operations)):
        if value is not None:
            new[name] = check_int(name, value)
    _LIMITS.update(new)
    return _Restore(previous)


def _bytes(n):
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} bytes"


def check(what, *, nbytes=0, operations=0, smaller):
    """Raise BudgetError when a call would hold more than `nbytes` or do more `operations` than
    the budget allows. `what` names the call and its sizes, `smaller` the sizes to reduce."""
    if nbytes > _LIMITS["memory"]:
        raise BudgetError(
            f"{what} would hold about {_bytes(nbytes)} at once, more than the memory budget of "
            f"{_bytes(_LIMITS['memory'])}: make {smaller} smaller, or raise the budget with "
            "rnnviz.set_budget(memory=...)"
        )
    if operations > _LIMITS["operations"]:
        seconds = operations / OPERATIONS_PER_SECOND
        raise BudgetError(
            f"{what} would take about {operations:.1e} operations (about {_duration(seconds)} "
            f"on a laptop), more than the budget of {_LIMITS['operations']:.1e}: make {smaller} "
            "smaller, or raise the budget with rnnviz.set_budget(operations=...)"
        )


def _duration(seconds):
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:,.0f} hours"


def pass_cost(cell, T, m, n_x, n_a, n_y, itemsize=8):
    """(bytes, operations) of one forward and backward pass of `cell` with the output layer,
    over m sequences of T steps."""
    nbytes = itemsize * T * m * (PASS_ARRAYS[cell] * n_a + 3 * n_x + 6 * n_y)
    multiply_adds = T * m * (GATES[cell] * n_a * (n_a + n_x) + n_a * n_y)
    return nbytes, 3 * multiply_adds + 2 * T * OPERATIONS_PER_STEP


def cube(n):
    """Operations of a dense factorisation (QR, SVD) of an n x n matrix, about 10 n^3."""
    return 10 * n**3 + OPERATIONS_PER_STEP


def total(*sizes):
    """The product of `sizes` as a Python int (no overflow), for estimates."""
    return math.prod(int(s) for s in sizes)
