"""How fast is the rnnviz engine? A script, not a test: it prints a table.

1. Forward + backward through time for one sequence, T = 1000, n_x = 10, n_a = 64, tanh, with
   the loss L = sum_t da<t> . a<t>: rnnviz against PyTorch autograd doing the same computation
   (the same loop, the same loss, float64). Target: rnnviz at least 5 times faster.
2. The gradient-flow explorer, `diagnostics.explore(params, x, y, sigma_points=20)`, at T = 200,
   n_x = 4, n_y = 2, with n_a = 32 (target: under 10 ms) and n_a = 64 (the largest the explorer
   offers), and its parts, to show where the time goes.

Both libraries run on one thread (numpy's BLAS through the environment variables set below,
unless they are already set; torch through torch.set_num_threads(1)): the matrices are small,
and threads only add overhead. Each time is the median over repeats, in milliseconds, of the wall
clock and of the process's CPU time; on a busy machine the CPU time is the steadier of the two.

Run:  .venv/bin/python benchmarks/bench_engine.py    (PyTorch is optional: the `bench` extra)
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # before numpy is imported

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import rnnviz as rv  # noqa: E402
import rnnviz.diagnostics as diag  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def median_ms(fn, repeat):
    """Median wall-clock and CPU time of fn(), in ms, after one call to warm up."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def row(label, times, note=""):
    print(f"  {label:<40} {times[0]:8.2f} {times[1]:8.2f}   {note}".rstrip())


def header(title):
    print(f"\n{title}\n  {'':<40} {'wall ms':>8} {'CPU ms':>8}")


# ---------------------------------------------------------------- 1. forward + backward


def rnnviz_forward_backward(params, x, da):
    a, cache = rv.rnn_forward(params, x)
    return rv.rnn_backward(da, cache)


def torch_forward_backward(W_aa, W_ax, b_a, x, da):
    """The same computation with autograd: input projections hoisted out of the loop, as rnnviz."""
    W_aa, W_ax, b_a = (p.detach().requires_grad_() for p in (W_aa, W_ax, b_a))
    z_x = x @ W_ax.T + b_a  # (T, n_x) @ (n_x, n_a) -> (T, n_a)
    a_prev = torch.zeros(W_aa.shape[0], dtype=x.dtype)
    states = []
    for t in range(len(x)):
        a_prev = torch.tanh(z_x[t] + W_aa @ a_prev)
        states.append(a_prev)
    loss = (torch.stack(states) * da).sum()
    loss.backward()
    return {"W_aa": W_aa.grad, "W_ax": W_ax.grad, "b_a": b_a.grad}


def bench_forward_backward(T=1000, n_x=10, n_a=64, n_y=10, repeat=30):
    header(f"1. forward + backward, one sequence, T={T}, n_x={n_x}, n_a={n_a}, tanh, float64")
    rng = np.random.default_rng(0)
    params = rv.init_params(n_x, n_a, n_y, seed=0)
    x = rng.standard_normal((T, n_x))
    da = rng.standard_normal((T, n_a))
    ours = median_ms(lambda: rnnviz_forward_backward(params, x, da), repeat)
    row("rnnviz", ours)
    if torch is None:
        print("  PyTorch is not installed: no comparison (pip install torch)")
        return
    torch.set_num_threads(1)
    tensors = [torch.from_numpy(v) for v in (params["W_aa"], params["W_ax"], params["b_a"], x, da)]
    theirs = median_ms(lambda: torch_forward_backward(*tensors), repeat)
    row(f"PyTorch {torch.__version__} autograd", theirs)
    row(
        "ratio PyTorch / rnnviz",
        (theirs[0] / ours[0], theirs[1] / ours[1]),
        "(target >= 5)",
    )
    # the same computation: the gradients agree
    grads, reference = rnnviz_forward_backward(params, x, da), torch_forward_backward(*tensors)
    error = max(
        np.abs(grads[k] - reference[k].numpy()).max() / np.abs(reference[k].numpy()).max()
        for k in reference
    )
    print(f"  gradients agree with PyTorch's to {error:.1e} (largest relative difference)")


# ---------------------------------------------------------------- 2. the explorer


def bench_explorer(n_a, T=200, n_x=4, n_y=2, sigma_points=20, repeat=50):
    header(f"2. explore(params, x, y, sigma_points={sigma_points}), T={T}, n_x={n_x}, n_a={n_a}")
    rng = np.random.default_rng(0)
    params = rv.init_params(n_x, n_a, n_y, weight_scale=1.0, seed=0)
    x = rng.standard_normal((T, n_x))
    total = median_ms(lambda: diag.explore(params, x, 1, sigma_points=sigma_points), repeat)
    row("explore, all of it", total, "(target < 10 ms)" if n_a == 32 else "")
    # its parts, the way explore calls them
    a, cache = rv.rnn_forward(params, x)
    da = np.zeros_like(a)
    da[-1] = 1.0
    dg = diag._derivatives(cache)
    log_s, J = diag._normalised_products(dg, params["W_aa"])
    sigma_k = np.unique(np.r_[np.arange(0, T, T // sigma_points), T - 1])

    def connectivity():
        rows = diag._output_rows(a[:, None], params)
        return diag._rnn_connectivity(rows[:, 0], dg, params["W_aa"], params["W_ax"])

    parts = {
        "forward": lambda: rv.rnn_forward(params, x),
        "backward": lambda: rv.rnn_backward(da, cache),
        "Jacobian products dA<T>/dA<k>, all k": lambda: diag._normalised_products(
            dg, params["W_aa"]
        ),
        f"their sigma_max, {len(sigma_k)} SVDs": lambda: diag._sigma_from(log_s, J, sigma_k),
        f"connectivity map {T} x {T}": connectivity,
        "spectral radius and sigma_max of W_aa": lambda: (
            diag.spectral_radius(params["W_aa"]),
            diag.sigma_max(params["W_aa"]),
        ),
    }
    spent = np.zeros(2)
    for label, fn in parts.items():
        times = median_ms(fn, repeat)
        spent += times
        row("  " + label, times)
    row("  the rest (norms, checks, loss, ...)", tuple(total - spent))


if __name__ == "__main__":
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"rnnviz benchmark, numpy {np.__version__}, numpy BLAS threads: {threads}")
    bench_forward_backward()
    bench_explorer(32)
    bench_explorer(64)
