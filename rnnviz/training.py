"""Training by minibatch gradient descent, with optional gradient clipping, that reports trouble.

One step:  g = dL/dtheta on a minibatch;  g <- clip(g);  theta <- theta - update(g)

    SGD with momentum mu:   v <- mu v + g,            theta <- theta - learning_rate * v
    Adam (Kingma & Ba):     m <- b1 m + (1 - b1) g,   s <- b2 s + (1 - b2) g^2,
                            theta <- theta - learning_rate * m_hat / (sqrt(s_hat) + eps)

When the loss or the gradient stops being a finite number, training stops at that step and
says so ("diverged at step 37: gradient norm inf"): NaN is a result to show, not a crash.
"""

import numpy as np

from ._blas import one_blas_thread
from ._checks import check_choice, check_float, check_int
from .clipping import clip_by_array_norm, clip_by_global_norm, clip_by_value, global_norm
from .diagnostics import step_norms
from .output import check_labels, loss_grads_and_predictions, predict

CLIPS = (None, "value", "norm", "array_norm")
OPTIMIZERS = ("sgd", "adam")


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

    Parameters
    ----------
    params : dict from `init_params` (any cell); not modified
    x : ndarray of shape (T, N, n_x), the training set of N sequences
    y : int ndarray of shape (T, N), labels (-1: not scored)
    steps, batch_size : int >= 1
    optimizer : "adam" (default) or "sgd" (with `momentum`, 0 for plain SGD)
    clip_method : None, "value", "norm" (by global norm) or "array_norm"; `clip_threshold` > 0
    record_at : steps (0-based) at which to keep ||dL/da<k>|| for every k
    progress : show a progress bar

    Returns
    -------
    params : the trained parameters (the last finite ones if training diverged)
    history : dict with, per step run, "loss", "accuracy" (on the minibatch), "grad_norm"
        (global norm before clipping), "clipped" (bool); "grad_norms_through_time" {step: (T,)};
        "diverged_at" (step or None) and "message".
    """
    steps, batch_size = check_int("steps", steps), check_int("batch_size", batch_size)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_choice("clip_method", clip_method, CLIPS)
    learning_rate = check_float("learning_rate", learning_rate)
    momentum = check_float("momentum", momentum, allow_zero=True, maximum=1.0)
    clip_threshold = check_float("clip_threshold", clip_threshold)
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3:
        raise ValueError(f"x has shape {x.shape}, must be (T, N, n_x): a set of N sequences")
    check_labels(y, x.shape[:2], params["W_ya"].shape[0])
    rng = np.random.default_rng(seed)
    update = adam_update if optimizer == "adam" else sgd_update
    options = {"learning_rate": learning_rate} | (
        {"momentum": momentum} if optimizer == "sgd" else {}
    )
    record_at = set(record_at)
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
        xb, yb = x[:, batch], y[:, batch]
        loss, grads, y_hat = loss_grads_and_predictions(params, xb, yb, activation=activation)
        da = grads.pop("a")
        total = global_norm(grads)
        if step in record_at:
            history["grad_norms_through_time"][step] = step_norms(da)
        if not (np.isfinite(loss) and np.isfinite(total)):
            bad = f"loss {loss}" if not np.isfinite(loss) else f"gradient norm {total}"
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
            bar.set_postfix(loss=f"{loss:.3f}")
    bar.close()
    if history["diverged_at"] is None:
        history["message"] = f"finished {steps} steps, final loss {history['loss'][-1]:.4f}"
    for key in ("loss", "accuracy", "grad_norm", "clipped"):
        history[key] = np.array(history[key])
    return params, history
