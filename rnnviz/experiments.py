"""One harness for the course's training experiments: the agreement task over gaps and seeds.

A training run on the agreement task either finds the solution (test accuracy near 1) or stays
at chance (about 0.5), so the course counts successes over several seeds. A seed sets the
training and test sentences, the initial weights and the minibatches.

    train_agreement(gap, seed, cell="rnn", **setup)   one run: (params, test accuracy, history)
    sweep(cells, gaps, seeds, **setup)                 every run: {cell: {gap: [(params, acc)]}}
    accuracies(runs), success_flags(values)            the test accuracies; 1.0 per success

The set-up (`SETUP`, every key can be overridden): n_a, steps, batch_size, optimizer ("adam" or
"sgd"), learning_rate, momentum (SGD only), clip_threshold (clipping by global norm, for every
run), n_train and n_test sentences, attractors, update_bias (GRU), forget_bias (LSTM), dtype.
"""

import numpy as np

from . import budget
from ._checks import MAX_T, check_choice, check_float, check_int
from .cells import CELLS, init_params
from .tasks import AGREEMENT_CLASSES, AGREEMENT_VOCAB, agreement
from .training import accuracy, train, training_cost

SUCCESS = 0.9  # a run "succeeds" when its test accuracy reaches this; chance is 0.5
NAMES = {"rnn": "basic RNN", "gru": "GRU", "lstm": "LSTM"}
SETUP = {
    "n_a": 16,
    "steps": 60,
    "batch_size": 32,
    "optimizer": "adam",
    "learning_rate": 0.02,
    "momentum": 0.0,
    "clip_threshold": 1.0,
    "n_train": 1000,
    "n_test": 500,
    "attractors": 0.3,
    "update_bias": 0.0,  # the GRU's b_u at the start (0: the library default, Gamma_u ~ 0.5)
    "forget_bias": 1.0,  # the LSTM's b_f at the start (1: the library default, Gamma_f ~ 0.73)
    "dtype": "float64",
}


def _setup(options):
    unknown = set(options) - set(SETUP)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; known: {', '.join(SETUP)}")
    return SETUP | options


def initial_params(cell, seed, **options):
    """The parameters `train_agreement(gap, seed, cell=cell, **options)` starts from.

    The basic RNN's W_aa is random orthogonal (sigma_max = 1). The GRU's update-gate bias b_u is
    set to `update_bias`, the LSTM's forget-gate bias b_f to `forget_bias`: a negative b_u and
    a positive b_f make a gated cell start near "keep".
    """
    check_choice("cell", cell, tuple(CELLS))
    o = _setup(options)
    update_bias = check_float("update_bias", o["update_bias"], positive=False)
    forget_bias = check_float("forget_bias", o["forget_bias"], positive=False)
    params = init_params(
        len(AGREEMENT_VOCAB), o["n_a"], len(AGREEMENT_CLASSES), weight_scale=1.0,
        seed=check_int("seed", seed, minimum=0), cell=cell, dtype=o["dtype"],
    )  # fmt: skip
    if cell == "gru":
        params["b_u"][:] = update_bias
    elif cell == "lstm":
        params["b_f"][:] = forget_bias
    return params


def train_agreement(gap, seed, *, cell="rnn", **options):
    """Train one cell on `agreement(gap)`; return (params, test accuracy, history).

    Options default to `SETUP`. The gradient is clipped by its global norm at `clip_threshold`.
    The accuracy is measured on `n_test` fresh sentences.
    """
    check_choice("cell", cell, tuple(CELLS))
    gap, seed = check_int("gap", gap, minimum=0), check_int("seed", seed, minimum=0)
    o = _setup(options)
    x, y = agreement(o["n_train"], gap, attractors=o["attractors"], seed=(seed, 1))
    x_test, y_test = agreement(o["n_test"], gap, attractors=o["attractors"], seed=(seed, 2))
    dtype = np.dtype(o["dtype"])
    params, history = train(
        initial_params(cell, seed, **options), x.astype(dtype), y, steps=o["steps"],
        batch_size=o["batch_size"], optimizer=o["optimizer"], learning_rate=o["learning_rate"],
        momentum=o["momentum"] if o["optimizer"] == "sgd" else 0.0, clip_method="norm",
        clip_threshold=o["clip_threshold"], seed=seed,
    )  # fmt: skip
    return params, accuracy(params, x_test.astype(dtype), y_test), history


def sweep(cells, gaps, seeds, *, progress=False, **options):
    """`train_agreement(gap, seed, cell=cell, **options)` for every cell, gap and seed.

    Returns a dict cell -> gap -> list of (params, test accuracy), one pair per seed, in order.
    `progress` shows one bar over all the runs.
    """
    for cell in cells:
        check_choice("cell", cell, tuple(CELLS))
    gaps = [check_int("gap", g, minimum=0, maximum=MAX_T - 3) for g in gaps]
    seeds = [check_int("seed", s, minimum=0) for s in seeds]
    o = _setup(options)
    n_a, steps, batch = (check_int(k, o[k]) for k in ("n_a", "steps", "batch_size"))
    n_x, n_y = len(AGREEMENT_VOCAB), len(AGREEMENT_CLASSES)
    costs = [training_cost(c, g + 3, batch, n_x, n_a, n_y, steps) for c in cells for g in gaps]
    budget.check(
        f"a sweep of {len(cells) * len(gaps) * len(seeds):,} training runs",
        nbytes=max((b for b, _ in costs), default=0),
        operations=len(seeds) * sum(ops for _, ops in costs),
        smaller="the number of cells, gaps or seeds, or steps",
    )
    jobs = [(c, g, s) for c in cells for g in gaps for s in seeds]
    runs = {c: {g: [] for g in gaps} for c in cells}
    from tqdm.auto import tqdm  # here: tqdm.auto loads IPython, which an import need not

    bar = tqdm(jobs, desc="training runs", disable=not progress, unit="run")
    for cell, gap, seed in bar:
        bar.set_postfix_str(f"{NAMES[cell]}, gap {gap}, seed {seed}")
        params, acc, _ = train_agreement(gap, seed, cell=cell, **options)
        runs[cell][gap].append((params, acc))
    bar.close()
    return runs


def accuracies(runs):
    """The test accuracies of `sweep` output: cell -> gap -> list of accuracies per seed."""
    return {c: {g: [acc for _, acc in pairs] for g, pairs in by_gap.items()} for c, by_gap in
            runs.items()}  # fmt: skip


def success_flags(values, threshold=SUCCESS):
    """1.0 for each accuracy >= threshold (the run succeeded), else 0.0."""
    threshold = check_float("threshold", threshold, maximum=1.0)
    return [float(a >= threshold) for a in values]
