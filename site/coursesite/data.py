"""The numbers behind the site's kernel-free widgets, computed by the engine at build time.

Each widget the notebooks show with sliders is evaluated here on a grid of settings with the
functions the widget itself calls (`rnnviz.views`), and stored as float64 (little-endian,
base64), so that a page shows the engine's numbers bit for bit. The page derives a few more
numbers from them, each with one correctly rounded operation that JavaScript performs exactly
as numpy does (tests/test_site.py checks that they agree):

    clipping by global norm    ||dL/da<k>|| * (c / ||g||)   when ||g|| > c (one factor for all k)
    the bound                  ||dL/da<T>|| * (sigma_max gamma)^(T-k), from stored powers
    the ratio                  ||dL/da<1>|| / ||dL/da<T>||
    a 2-D gradient clipped     by value: min(max(g_i, -c), c);  by norm: g_i * (c / ||g||)

The grids (module constants below) are the explorer's sliders at a coarser step; the page's
sliders move over exactly these settings.

Each view's numbers are split into small files, so that a page fetches only what the setting it
shows needs (about 30 to 45 kB each, less gzipped), and a move fetches at most one more:

    explorer                the grids, and what every T shares at a sigma (sigma_max, rho, ...)
    explorer-<g>-<i>        activation g at the i-th sigma_max of the grid: every T
    heatmap, heatmap-<g>-<i>   the same for the connectivity maps: every T at (g, i-th sigma)
    clipping, clipping-<i>  the grids; the numbers of every (g2, c) at the i-th g1
    cells, cells-<i>        the grids and the basic RNN's curves; the gated cells at the i-th bias
"""

import base64
import json
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import rnnviz as rv
from rnnviz import views

# --- the grids: the site's values of each view's controls (rnnviz.views, declared once) ---------

GRID = {name: {c.name: c.on_site() for c in controls} for name, controls in (
    ("explorer", views.EXPLORER), ("clipping", views.CLIPPING), ("heatmap", views.HEATMAP),
    ("cells", views.CELLS))}  # fmt: skip
EXPLORER_T, EXPLORER_SIGMA = GRID["explorer"]["T"], GRID["explorer"]["weight_scale"]
HEATMAP_T, HEATMAP_SIGMA = GRID["heatmap"]["T"], GRID["heatmap"]["weight_scale"]
CLIP_G, CLIP_C = GRID["clipping"]["g1"], GRID["clipping"]["clip_threshold"]
CELLS_T, CELLS_BIAS = GRID["cells"]["T"], GRID["cells"]["update_bias"]
# The setting the site's explorer keeps fixed (the controls with no values on the site).
FIXED = {c.name: c.default for c in views.EXPLORER if c.site == ()}
ACTIVATIONS = GRID["explorer"]["activation"]


def heatmap_sigmas():
    return tuple(HEATMAP_SIGMA)


def f64(values):
    """float64 values as base64 of their little-endian bytes (what the page decodes)."""
    return base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode("ascii")


def from_f64(text):
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


# --- the explorer ------------------------------------------------------------------------------


def powers(r, n):
    """r^j for j = 0..n-1 as the engine's bound computes them.

    numpy's power rounds differently on a contiguous array (vectorised) than on a strided one,
    so the table is computed as the engine computes the bound, r ** (n-1, ..., 1, 0), and only
    then reversed; _check_derived confirms it for every setting.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return (r ** np.arange(n - 1, -1, -1, dtype=np.float64))[::-1].copy()


def _explorer_block(activation, sigma):
    """Every T of the grid at one (activation, sigma): the numbers, and what is derived from them.

    Returns (values, sigma_max, spectral_radius, gamma, sigma_k by T, powers, regime). Raises if a
    derived number would differ from the engine's: the page could not show the engine's numbers.
    """
    values, sigma_k, head = [], {}, None
    for T in EXPLORER_T:
        r = views.gradient_flow(T=T, weight_scale=sigma, activation=activation, **FIXED)
        here = (r.sigma_max, r.spectral_radius, r.gamma, r.regime)
        head = head or here
        if here != head:
            raise RuntimeError(f"sigma_max, rho or gamma changed with T at {activation}, {sigma}")
        sigma_k[T] = r.sigma_k.tolist()
        values += [r.grad_norm, r.sigma, [r.total_norm, r.loss]]
        _check_derived(r, powers(r.sigma_max * r.gamma, max(EXPLORER_T)))
    table = powers(head[0] * head[2], max(EXPLORER_T))
    values = np.concatenate([np.asarray(v, np.float64) for v in values])
    return values, *head[:3], sigma_k, table, head[3]


def _check_derived(r, table):
    T = len(r.grad_norm)
    with np.errstate(over="ignore", invalid="ignore"):
        bound = r.grad_norm[-1] * table[:T][::-1]
        ratio = r.grad_norm[0] / r.grad_norm[-1] if r.grad_norm[-1] > 0 else np.nan
    same = np.array_equal(bound, r.bound, equal_nan=True) and (
        np.isnan(ratio) and np.isnan(r.ratio) or ratio == r.ratio
    )
    if not same:
        raise RuntimeError("the bound or the ratio cannot be derived exactly on this machine")


def explorer_data(jobs=None):
    """{name: payload} for the explorer: "explorer" (grids, per-sigma numbers) and one per
    activation and sigma ("explorer-tanh-16", ...: the values of every T, and the powers)."""
    tasks = [(a, s) for a in ACTIVATIONS for s in EXPLORER_SIGMA]
    with ProcessPoolExecutor(jobs or min(2, os.cpu_count() or 1)) as pool:
        blocks = list(pool.map(_explorer_block, *zip(*tasks, strict=True)))
    by_task = dict(zip(tasks, blocks, strict=True))
    first = by_task[tasks[0]]
    sigma_k = first[4]
    base = {
        "T": list(EXPLORER_T),
        "sigma": list(EXPLORER_SIGMA),
        "activations": list(ACTIVATIONS),
        "fixed": FIXED,
        "sigma_k": {str(T): ks for T, ks in sigma_k.items()},
        "sigma_max": f64([by_task[tasks[0][0], s][1] for s in EXPLORER_SIGMA]),
        "spectral_radius": f64([by_task[tasks[0][0], s][2] for s in EXPLORER_SIGMA]),
        "gamma": {a: by_task[a, EXPLORER_SIGMA[0]][3] for a in ACTIVATIONS},
        "regime": {a: [by_task[a, s][6] for s in EXPLORER_SIGMA] for a in ACTIVATIONS},
    }
    out = {"explorer": base}
    for a in ACTIVATIONS:
        for i, s in enumerate(EXPLORER_SIGMA):
            row = by_task[a, s]
            if row[4] != sigma_k or (row[1], row[2]) != (by_task[tasks[0][0], s][1:3]):
                raise RuntimeError(f"the Jacobian steps or sigma_max differ at {a}, {s}")
            out[f"explorer-{a}-{i}"] = {"values": f64(row[0]), "powers": f64(row[5])}
    return out


def explorer_setting(payloads, activation, sigma, T):
    """The stored numbers of one setting, decoded: what the page reads (for the tests)."""
    base = payloads["explorer"]
    i = base["sigma"].index(sigma)
    chunk = payloads[f"explorer-{activation}-{i}"]
    values = from_f64(chunk["values"])
    n_k = {T_: len(base["sigma_k"][str(T_)]) for T_ in base["T"]}
    start = sum(T_ + n_k[T_] + 2 for T_ in base["T"][: base["T"].index(T)])
    block = values[start : start + T + n_k[T] + 2]
    return {
        "grad_norm": block[:T],
        "sigma": block[T : T + n_k[T]],
        "total_norm": block[-2],
        "loss": block[-1],
        "sigma_k": base["sigma_k"][str(T)],
        "sigma_max": from_f64(base["sigma_max"])[i],
        "spectral_radius": from_f64(base["spectral_radius"])[i],
        "gamma": base["gamma"][activation],
        "powers": from_f64(chunk["powers"]),
    }


# --- the connectivity heatmap ------------------------------------------------------------------


def _heatmap_block(activation, sigma):
    maps = []
    for T in HEATMAP_T:
        C = views.connectivity_map(weight_scale=sigma, T=T, activation=activation)
        maps.append(C[np.tril_indices(T)])  # row t, then k <= t
    return np.concatenate(maps)


def heatmap_data(jobs=None):
    """{"heatmap": grids, "heatmap-<activation>-<i>": the lower triangles of every T at the
    i-th sigma}."""
    activations = list(rv.ACTIVATIONS)
    sigmas = heatmap_sigmas()
    tasks = [(a, s) for a in activations for s in sigmas]
    with ProcessPoolExecutor(jobs or min(2, os.cpu_count() or 1)) as pool:
        blocks = list(pool.map(_heatmap_block, *zip(*tasks, strict=True)))
    by_task = dict(zip(tasks, blocks, strict=True))
    out = {"heatmap": {"T": list(HEATMAP_T), "sigma": list(sigmas), "activations": activations}}
    for a in activations:
        for i, s in enumerate(sigmas):
            out[f"heatmap-{a}-{i}"] = {"values": f64(by_task[a, s])}
    return out


def heatmap_setting(payloads, activation, sigma, T):
    """The stored map of one setting as a (T, T) array, 0 above the diagonal (for the tests)."""
    base = payloads["heatmap"]
    values = from_f64(payloads[f"heatmap-{activation}-{base['sigma'].index(sigma)}"]["values"])
    start = sum(t * (t + 1) // 2 for t in base["T"][: base["T"].index(T)])
    C = np.zeros((T, T))
    C[np.tril_indices(T)] = values[start : start + T * (T + 1) // 2]
    return C


# --- clipping a 2-D gradient -------------------------------------------------------------------


def clipping_data():
    """{"clipping": the grids, "clipping-<i>": the numbers at the i-th g1}: per g the global
    norm, angle and length; per (g, c) the angle, length and turn of g clipped by value and by
    norm (the vectors themselves the page derives)."""
    out = {"clipping": {"g": list(CLIP_G), "c": list(CLIP_C)}}
    for i, g1 in enumerate(CLIP_G):
        per_g, per_gc = [], []
        for g2 in CLIP_G:
            g = np.array([g1, g2])
            first = views.clipping_geometry(g, CLIP_C[0])
            per_g += [rv.global_norm({"g": g}), first.angle_g, first.norm_g]
            for c in CLIP_C:
                r = views.clipping_geometry(g, c)
                per_gc += [r.angle_by_value, r.norm_by_value, r.angle_by_norm, r.norm_by_norm,
                           r.turn_by_value, r.turn_by_norm]  # fmt: skip
        out[f"clipping-{i}"] = {"per_g": f64(per_g), "per_gc": f64(per_gc)}
    return out


def clipping_setting(payloads, g1, g2, c):
    """The stored numbers of one setting: (global norm, angle, length) of g, and the six
    numbers of g clipped (for the tests)."""
    base = payloads["clipping"]
    chunk = payloads[f"clipping-{base['g'].index(g1)}"]
    i, j = base["g"].index(g2), base["c"].index(c)
    at = i * len(base["c"]) + j
    per_g, per_gc = from_f64(chunk["per_g"]), from_f64(chunk["per_gc"])
    return per_g[3 * i : 3 * i + 3], per_gc[6 * at : 6 * at + 6]


def clipped_vectors(g, c, total):
    """g clipped by value and by norm, as the page computes them (for the tests)."""
    g = np.asarray(g, dtype=np.float64)
    by_value = np.minimum(np.maximum(g, -c), c)
    by_norm = g * (c / total) if total > c else g.copy()
    return by_value, by_norm


# --- the gated cells' explorer ----------------------------------------------------------------


def _cells_block(bias):
    """Every T at one bias, used as the GRU's b_u and the LSTM's b_f (each cell reads only its
    own): the basic RNN's curve, then per T the GRU's, the LSTM's two and the keep factors."""
    from rnnviz.lessons import gated

    x, y = gated.explorer_sentences()
    rnn, rows = [], []
    for T in CELLS_T:
        c = gated.cell_gradients(x[:T], y, update_bias=bias, forget_bias=bias)
        rnn.append(c["rnn"])
        rows += [c["gru"], c["lstm"], c["lstm_c"], [c["keep_gru"], c["keep_lstm"]]]
    return np.concatenate(rnn), np.concatenate([np.asarray(r, np.float64) for r in rows])


def cells_data(jobs=None):
    """{"cells": the grids and the RNN's curves, "cells-<i>": the GRU's and LSTM's curves at
    the i-th bias} of the gated cells' explorer."""
    with ProcessPoolExecutor(jobs or min(2, os.cpu_count() or 1)) as pool:
        blocks = list(pool.map(_cells_block, CELLS_BIAS))
    rnn = blocks[0][0]
    if any(not np.array_equal(b[0], rnn) for b in blocks):
        raise RuntimeError("the basic RNN's curve changed with a gate bias")
    out = {"cells": {"T": list(CELLS_T), "bias": list(CELLS_BIAS), "rnn": f64(rnn)}}
    for i, block in enumerate(blocks):
        out[f"cells-{i}"] = {"gated": f64(block[1])}
    return out


def cells_setting(payloads, T, update_bias, forget_bias):
    """The curves of one setting, as `gated.cell_gradients` returns them (for the tests)."""
    base = payloads["cells"]
    j = base["T"].index(T)
    rnn = from_f64(base["rnn"])
    start = sum(3 * t + 2 for t in base["T"][:j])

    def block(bias):
        gated = from_f64(payloads[f"cells-{base['bias'].index(bias)}"]["gated"])
        return gated[start : start + 3 * T + 2]

    gru, lstm = block(update_bias), block(forget_bias)
    at = sum(base["T"][:j])
    return {
        "k": np.arange(1, T + 1),
        "rnn": rnn[at : at + T],
        "gru": gru[:T],
        "lstm": lstm[T : 2 * T],
        "lstm_c": lstm[2 * T : 3 * T],
        "keep_gru": gru[-2],
        "keep_lstm": lstm[-1],
    }


# --- writing -----------------------------------------------------------------------------------


def files_for(kind, setting):
    """The data files a view of `kind` reads at `setting`, on the grid: its base file and the
    chunks site/js/views.js asks for (what a page preloads for the setting it starts at)."""
    s = setting
    if kind == "explorer":
        return [kind, f"explorer-{s['activation']}-{EXPLORER_SIGMA.index(s['weight_scale'])}"]
    if kind == "heatmap":
        return [kind, f"heatmap-{s['activation']}-{HEATMAP_SIGMA.index(s['weight_scale'])}"]
    if kind == "clipping":
        return [kind, f"clipping-{CLIP_G.index(s['g1'])}"]
    if kind == "cells":
        biases = (CELLS_BIAS.index(s["update_bias"]), CELLS_BIAS.index(s["forget_bias"]))
        return [kind, *dict.fromkeys(f"cells-{i}" for i in biases)]
    raise ValueError(f"kind == {kind!r}, must be one of explorer, heatmap, clipping, cells")


def script(name, payload):
    """A data file the page loads with a <script> tag (so that it works from file:// too)."""
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    return f"rnnvizSite.receive({json.dumps(name)}, {text});\n"


def read_script(text):
    """The (name, payload) of a data file written by `script`."""
    head, _, rest = text.partition(", ")
    return json.loads(head.removeprefix("rnnvizSite.receive(")), json.loads(rest.rstrip(");\n"))


def all_data(jobs=None):
    return {**explorer_data(jobs), **heatmap_data(jobs), **clipping_data(), **cells_data(jobs)}
