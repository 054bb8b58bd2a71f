"""Training by minibatch gradient descent, with optional gradient clipping, that reports trouble.

One step:  g = dL/dtheta on a minibatch;  g <- clip(g);  theta <- theta - update(g)

    SGD with momentum mu:   v <- mu v + g,            theta <- theta - learning_rate * v
    Adam (Kingma & Ba):     m <- b1 m + (1 - b1) g,   s <- b2 s + (1 - b2) g^2,
                            theta <- theta - learning_rate * m_hat / (sqrt(s_hat) + eps)

When the loss or the gradient stops being a finite number, or the loss passes DIVERGED_LOSS,
training stops at that step and says so ("diverged at step 37: gradient norm inf"): NaN is a
result to show, not a crash.
"""

import numpy as np

from . import budget
from ._blas import one_blas_thread
from ._checks import (
    MAX_BATCH,
    MAX_T,
    check_choice,
    check_float,
    check_int,
    check_real,
    check_seed,
)
from ._shapes import check_params
from .activations import get_activation
from .cells import cell_of
from .clipping import clip_by_array_norm, clip_by_global_norm, clip_by_value, global_norm
from .diagnostics import step_norms
from .output import check_labels, loss_grads_and_predictions, predict

CLIPS = (None, "value", "norm", "array_norm")
OPTIMIZERS = ("sgd", "adam")
# A loss above this is a blow-up, reported like a NaN: about the square root of the largest
# float64 (1.3e154), where a number's square stops being finite. Training does come back from
# finite losses far above 1e6 (in notebook 03 a run peaks near 1e106, then ends at chance), so
# a lower limit would call such runs diverged.
DIVERGED_LOSS = 1e150


def format_loss(loss):
    """A loss to 4 significant digits and at most 4 decimals: 0.4600, 0.0000, 15.3, 4.497e+62."""
    loss = float(loss) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{loss:.4f}" if abs(loss) < 1 else f"{loss:.4g}"


def clip(grads, method, threshold):
    """Apply `method` (None, "value", "norm" or "array_norm") to a dict of gradients.

    Returns the clipped dict and whether anything was changed.
    """
    if method is None:
        return grads, False
    if method == "norm":
        clipped, total = clip_by_global_norm(grads, threshold)
        return clipped, bool(np.isfinite(total) and total > threshold)
    clipped = (clip_by_value if method == "value" else clip_by_array_norm)(grads, threshold)
    return clipped, any(not np.array_equal(clipped[k], grads[k]) for k in grads)


def sgd_update(params, grads, state, *, learning_rate, momentum=0.0):
    """v <- momentum * v + g;  theta <- theta - learning_rate * v. Returns new params and state."""
    v = {k: momentum * state.get(k, 0.0) + g for k, g in grads.items()}
    return {k: params[k] - learning_rate * v[k] for k in params}, v


def adam_update(params, grads, state, *, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (bias-corrected first and second moments). Returns new params and state."""
    t = state.get("t", 0) + 1
    m = {k: beta1 * state.get("m", {}).get(k, 0.0) + (1 - beta1) * g for k, g in grads.items()}
    s = {k: beta2 * state.get("s", {}).get(k, 0.0) + (1 - beta2) * g * g for k, g in grads.items()}
    new = {
        k: params[k]
        - learning_rate * (m[k] / (1 - beta1**t)) / (np.sqrt(s[k] / (1 - beta2**t)) + eps)
        for k in params
    }
    return new, {"t": t, "m": m, "s": s}


def why_diverged(loss, grad_norm):
    """Why a step counts as diverged, in words, or None if it does not.

    Diverged: a loss or a gradient norm that is not a finite number, or a loss above
    DIVERGED_LOSS.
    """
    if not np.isfinite(loss):
        return f"loss {format_loss(loss)}"
    if loss > DIVERGED_LOSS:
        return f"loss {format_loss(loss)}, above DIVERGED_LOSS = {DIVERGED_LOSS:g}"
    if not np.isfinite(grad_norm):
        return f"gradient norm {grad_norm}"
    return None


def accuracy(params, x, y, a0=None, *, activation="tanh"):
    """Fraction of scored entries (y >= 0) where argmax_i y_hat<t>_i equals the label."""
    y_hat = predict(params, x, a0, activation=activation)
    y = check_labels(y, y_hat.shape[:-1], y_hat.shape[-1])
    scored = y >= 0
    return float((y_hat.argmax(axis=-1)[scored] == y[scored]).mean())


@one_blas_thread
def train(
    params,
    x,
    y,
    *,
    steps=500,
    batch_size=64,
    optimizer="adam",
    learning_rate=0.01,
    momentum=0.0,
    clip_method=None,
    clip_threshold=1.0,
    activation="tanh",
    record_at=(),
    seed=0,
    progress=False,
):
    """Train on (x, y) with minibatches drawn at random, and record what happened.

    Each step draws `batch_size` sequences at random, with replacement, from `seed`'s stream.
    A minibatch in which no label is scored (every label -1) is drawn again from the same
    stream, so every step computes a loss and a run stays the same for a given seed.

    Parameters
    ----------
    params : dict from `init_params` (any cell); not modified
    x : ndarray of shape (T, N, n_x), the training set of N sequences
    y : int ndarray of shape (T, N), labels (-1: not scored), at least one scored
    steps : int >= 1
    batch_size : int, 1 to MAX_BATCH
    optimizer : "adam" (default) or "sgd" (with `momentum`, 0 for plain SGD)
    clip_method : None, "value", "norm" (by global norm) or "array_norm"; `clip_threshold` > 0
    record_at : steps (0-based, < steps) at which to keep ||dL/da<k>|| for every k
    seed : int >= 0 or None
    progress : show a progress bar

    Returns
    -------
    params : the trained parameters (the last finite ones if training diverged)
    history : dict with, per step run, "loss", "accuracy" (on the minibatch), "grad_norm"
        (global norm before clipping), "clipped" (bool); "grad_norms_through_time" {step: (T,)};
        "diverged_at" (step or None) and "message". Training diverges at the first step whose
        loss or gradient norm is not finite or whose loss is above DIVERGED_LOSS; that step's
        values are not kept.
    """
    steps = check_int("steps", steps)
    batch_size = check_int("batch_size", batch_size, maximum=MAX_BATCH, what="sequences in a batch")
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_choice("clip_method", clip_method, CLIPS)
    learning_rate = check_float("learning_rate", learning_rate)
    momentum = check_float("momentum", momentum, allow_zero=True, maximum=1.0)
    clip_threshold = check_float("clip_threshold", clip_threshold)
    get_activation(activation)
    record_at = _check_record_at(record_at, steps)
    rng = np.random.default_rng(check_seed(seed))
    x, y = _check_training_set(params, x, y, batch_size)
    _check_budget(params, x, batch_size, steps)
    params = {k: np.array(v) for k, v in params.items()}  # what it returns is its own
    has_scored = (y >= 0).any(axis=0)  # (N,): the sequences with at least one scored label
    update = adam_update if optimizer == "adam" else sgd_update
    options = {"learning_rate": learning_rate} | (
        {"momentum": momentum} if optimizer == "sgd" else {}
    )
    history = {
        "loss": [],
        "accuracy": [],
        "grad_norm": [],
        "clipped": [],
        "grad_norms_through_time": {},
        "diverged_at": None,
        "message": "",
    }
    state = {}
    from tqdm.auto import tqdm  # here: tqdm.auto loads IPython, which an import need not

    bar = tqdm(range(steps), desc="training", disable=not progress, leave=False)
    for step in bar:
        batch = rng.integers(0, x.shape[1], batch_size)
        while not has_scored[batch].any():  # nothing to score: draw again
            batch = rng.integers(0, x.shape[1], batch_size)
        xb, yb = x[:, batch], y[:, batch]
        loss, grads, y_hat = loss_grads_and_predictions(params, xb, yb, activation=activation)
        da = grads.pop("a")
        total = global_norm(grads)
        if step in record_at:
            history["grad_norms_through_time"][step] = step_norms(da)
        bad = why_diverged(loss, total)
        if bad is not None:
            history["diverged_at"], history["message"] = step, f"diverged at step {step}: {bad}"
            break
        grads, was_clipped = clip(grads, clip_method, clip_threshold)
        with np.errstate(over="ignore", invalid="ignore"):
            new_params, state = update(params, grads, state, **options)
        if not all(np.isfinite(v).all() for v in new_params.values()):
            history["diverged_at"] = step
            history["message"] = f"diverged at step {step}: the update overflowed the parameters"
        else:
            params = new_params
        scored = yb >= 0  # accuracy of the predictions this step's gradient was computed from
        acc = float((y_hat.argmax(axis=-1)[scored] == yb[scored]).mean())
        for key, value in (
            ("loss", loss),
            ("accuracy", acc),
            ("grad_norm", total),
            ("clipped", was_clipped),
        ):
            history[key].append(value)
        if history["diverged_at"] is not None:
            break
        if progress and step % 20 == 0:
            bar.set_postfix(loss=format_loss(loss))
    bar.close()
    if history["diverged_at"] is None:
        final = format_loss(history["loss"][-1])
        history["message"] = f"finished {steps} steps, final loss {final}"
    for key in ("loss", "accuracy", "grad_norm", "clipped"):
        history[key] = np.array(history[key])
    return params, history


def _check_record_at(record_at, steps):
    """The set of steps in `record_at`, each an integer in 0..steps-1, or an error naming it."""
    if isinstance(record_at, str | bytes) or not np.iterable(record_at):
        raise TypeError(f"record_at == {record_at!r}, must be a collection of steps (integers)")
    last = f"the last of {steps} steps, counted from 0"
    return {
        check_int(f"record_at[{i}]", s, minimum=0, maximum=steps - 1, what=last)
        for i, s in enumerate(record_at)
    }


def _check_budget(params, x, batch_size, steps):
    """The budget of `steps` forward and backward passes over batches of `batch_size`."""
    cell = cell_of(params).name
    T, n_x = x.shape[0], x.shape[2]
    n_y, n_a = params["W_ya"].shape
    nbytes, operations = training_cost(cell, T, batch_size, n_x, n_a, n_y, steps)
    budget.check(
        f"training the {cell} for {steps:,} steps on batches of {batch_size:,} sequences of "
        f"T = {T:,} steps with n_a = {n_a:,} units",
        nbytes=nbytes,
        operations=operations,
        smaller="steps, batch_size, T or n_a",
    )


def training_cost(cell, T, batch_size, n_x, n_a, n_y, steps):
    """(bytes held at once, operations) of `train`: a forward and backward pass per step, on a
    batch drawn from x, and the update (about 100 loop steps' overhead)."""
    nbytes, operations = budget.pass_cost(cell, T, batch_size, n_x, n_a, n_y)
    nbytes += 2 * T * batch_size * n_x * 8
    return nbytes, steps * (operations + 100 * budget.OPERATIONS_PER_STEP)


def _check_training_set(params, x, y, batch_size):
    """Check params, x (T, N, n_x) and y (T, N), and the size of a batch, before allocating."""
    shapes = cell_of(params).param_shapes
    unused = sorted(set(params) - set(shapes))
    if unused:
        raise ValueError(f"params has keys {unused} that its cell does not use")
    n_x, n_a, n_y, _ = check_params(params, shapes)
    x, y = check_real("x", x), check_real("y", y)
    if x.ndim != 3:
        raise ValueError(f"x has shape {x.shape}, must be (T, N, n_x): a set of N sequences")
    T, N = x.shape[:2]
    check_int("T (x.shape[0])", T, maximum=MAX_T, what="time steps")
    check_int("N (x.shape[1])", N)
    if x.shape[2] != n_x:
        raise ValueError(f"x has shape {x.shape}, its last axis must be n_x == {n_x} (params)")
    check_labels(y, (T, N), n_y)
    return x, y
