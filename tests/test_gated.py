"""Tests for the GRU and LSTM cells (rnnviz.gated), checked against the equations and against
central finite differences in float64."""

import numpy as np
import pytest

import rnnviz as rv
from rnnviz import backward, forward, init_params, loss_and_grads, predict
from rnnviz._shapes import PARAM_SHAPES
from rnnviz.diagnostics import gradient_norms
from rnnviz.gated import (
    gru_backward,
    gru_forward,
    init_lstm,
    lstm_backward,
    lstm_forward,
)
from rnnviz.influence import connectivity

N_X, N_A, N_Y = 2, 3, 3
CELLS = {"gru": (gru_forward, gru_backward), "lstm": (lstm_forward, lstm_backward)}
GATES = {"gru": ("u", "r", "c"), "lstm": ("u", "f", "o", "c")}


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_params(cell, seed):
    """init_params, with random biases so that no gate sits at sigma(0) = 1/2 everywhere."""
    rng = np.random.default_rng(seed + 1000)
    params = init_params(N_X, N_A, N_Y, cell=cell, seed=seed)
    for key in params:
        if key.startswith("b_"):
            params[key] = params[key] + 0.5 * rng.standard_normal(params[key].shape)
    return params


def reference_states(cell, params, x, a0, c0, delta_a=None, delta_c=None):
    """The equations, step by step and written out on [a<t-1>, x<t>] (x of shape (T, m, n_x)).

    delta_a[t] is added to a<t> and delta_c[t] to c<t> as soon as they are computed, so that the
    derivative of a loss with respect to them is the total dL/da<t>, dL/dc<t> of backprop.
    Returns a<1..T> of shape (T, m, n_a).
    """
    T = len(x)
    delta_a = np.zeros((T,) + a0.shape) if delta_a is None else delta_a
    delta_c = np.zeros((T,) + a0.shape) if delta_c is None else delta_c
    p = params
    a_prev, c_prev, states = a0, c0, []
    for t in range(T):
        ax = np.concatenate([a_prev, x[t]], axis=1)
        if cell == "gru":
            gamma_u = sigma(ax @ p["W_u"].T + p["b_u"])
            gamma_r = sigma(ax @ p["W_r"].T + p["b_r"])
            rax = np.concatenate([gamma_r * a_prev, x[t]], axis=1)
            c_tilde = np.tanh(rax @ p["W_c"].T + p["b_c"])
            c = gamma_u * c_tilde + (1.0 - gamma_u) * a_prev  # c<t-1> = a<t-1>
            a = c + delta_a[t]
        else:
            gamma_u = sigma(ax @ p["W_u"].T + p["b_u"])
            gamma_f = sigma(ax @ p["W_f"].T + p["b_f"])
            gamma_o = sigma(ax @ p["W_o"].T + p["b_o"])
            c_tilde = np.tanh(ax @ p["W_c"].T + p["b_c"])
            c = gamma_u * c_tilde + gamma_f * c_prev + delta_c[t]
            a = gamma_o * np.tanh(c) + delta_a[t]
        states.append(a)
        a_prev, c_prev = a, c
    return np.array(states)


def make_inputs(rng, T, m, batched, with_state, cell):
    x = rng.standard_normal((T, m, N_X) if batched else (T, N_X))
    shape = (m, N_A) if batched else (N_A,)
    states = {}
    if with_state:
        states["a0"] = rng.standard_normal(shape)
        if cell == "lstm":
            states["c0"] = rng.standard_normal(shape)
    return x, states


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_init_params_keys_shapes_and_scale(cell):
    n_x, n_a = 40, 60
    params = init_params(n_x, n_a, 5, cell=cell, seed=0)
    expected_keys = {f"{kind}_{g}" for g in GATES[cell] for kind in "Wb"} | {"W_ya", "b_y"}
    assert set(params) == expected_keys
    for g in GATES[cell]:
        W = params[f"W_{g}"]
        assert W.shape == (n_a, n_a + n_x) and W.dtype == np.float64
        assert abs(W.std() / (1 / np.sqrt(n_a + n_x)) - 1) < 0.05
        assert params[f"b_{g}"].shape == (n_a,)
        expected_bias = 1.0 if g == "f" else 0.0
        np.testing.assert_array_equal(params[f"b_{g}"], np.full(n_a, expected_bias))
    again = init_params(n_x, n_a, 5, cell=cell, seed=0)
    assert all(np.array_equal(params[k], again[k]) for k in params)


def test_init_lstm_forget_bias_option():
    params = init_lstm(2, 3, np.random.default_rng(0), forget_bias=-2.5)
    np.testing.assert_array_equal(params["b_f"], [-2.5, -2.5, -2.5])
    np.testing.assert_array_equal(params["b_u"], [0.0, 0.0, 0.0])
    with pytest.raises(TypeError, match="forget_bias"):
        init_lstm(2, 3, np.random.default_rng(0), forget_bias="large")


def test_param_shapes_registered():
    assert set(PARAM_SHAPES["gru"]) == set(init_params(2, 3, 4, cell="gru"))
    assert set(PARAM_SHAPES["lstm"]) == set(init_params(2, 3, 4, cell="lstm"))


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_float32_stays_float32(cell):
    params = init_params(N_X, N_A, N_Y, cell=cell, seed=0, dtype="float32")
    fwd, bwd = CELLS[cell]
    a, cache = fwd(params, np.ones((5, 2, N_X)))
    grads = bwd(np.ones_like(a), cache)
    assert a.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


# ---------------------------------------------------------------- forward


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_forward_follows_the_equations(cell, batched, with_state):
    rng = np.random.default_rng(1)
    params = make_params(cell, seed=1)
    x, states = make_inputs(rng, 6, 3, batched, with_state, cell)
    a, cache = CELLS[cell][0](params, x, **states)
    m = 3 if batched else 1
    x3 = x.reshape(6, m, N_X)
    a0, c0 = (states.get(k, np.zeros((m, N_A))).reshape(m, N_A) for k in ("a0", "c0"))
    expected = reference_states(cell, params, x3, a0, c0)
    np.testing.assert_allclose(a, expected if batched else expected[:, 0], rtol=1e-12, atol=1e-14)
    assert cache["cell"] == cell and cache["batched"] == batched
    assert cache["x"].shape == (6, m, N_X) and cache["a0"].shape == (m, N_A)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_generic_forward_backward_dispatch_to_the_cell(cell):
    rng = np.random.default_rng(2)
    params = make_params(cell, seed=2)
    x = rng.standard_normal((5, 2, N_X))
    a, cache = forward(params, x)
    a_cell, cache_cell = CELLS[cell][0](params, x)
    np.testing.assert_array_equal(a, a_cell)
    da = rng.standard_normal(a.shape)
    grads, grads_cell = backward(da, cache), CELLS[cell][1](da, cache_cell)
    assert set(grads) == set(grads_cell)
    assert all(np.array_equal(grads[k], grads_cell[k]) for k in grads)


# ---------------------------------------------------------------- backward


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_backward_matches_finite_differences(fd, cell, batched, with_state):
    rng = np.random.default_rng(3)
    params = make_params(cell, seed=3)
    T, m = 4, 3
    fwd, bwd = CELLS[cell]
    x, states = make_inputs(rng, T, m, batched, with_state, cell)
    a, cache = fwd(params, x, **states)
    da = rng.standard_normal(a.shape)
    grads = bwd(da, cache)
    state_keys = {"a0", "c0"} if cell == "lstm" else {"a0"}
    total_keys = {"a", "c"} if cell == "lstm" else {"a"}
    cell_keys = set(params) - {"W_ya", "b_y"}
    assert set(grads) == cell_keys | {"x"} | state_keys | total_keys

    # every input and parameter: perturb it and rerun the package's forward
    state_shape = (m, N_A) if batched else (N_A,)
    full_states = {k: np.array(states.get(k, np.zeros(state_shape))) for k in state_keys}

    def loss():
        return float(np.sum(da * fwd(params, x, **full_states)[0]))

    for key in sorted(cell_keys):
        fd.assert_match(key, grads[key], fd.gradient(loss, params[key]))
    fd.assert_match("x", grads["x"], fd.gradient(loss, x))
    for key in sorted(state_keys):
        fd.assert_match(key, grads[key], fd.gradient(loss, full_states[key]))

    # the totals dL/da<t>, dL/dc<t>: perturb a<t>, c<t> inside the recurrence
    m3 = m if batched else 1
    x3 = x.reshape(T, m3, N_X)
    a0, c0 = (full_states.get(k, np.zeros(state_shape)).reshape(m3, N_A) for k in ("a0", "c0"))
    da3 = da.reshape(T, m3, N_A)
    deltas = {"a": np.zeros((T, m3, N_A)), "c": np.zeros((T, m3, N_A))}

    def reference_loss():
        states = reference_states(cell, params, x3, a0, c0, deltas["a"], deltas["c"])
        return float(np.sum(da3 * states))

    for key in sorted(total_keys):
        numeric = fd.gradient(reference_loss, deltas[key])
        fd.assert_match(key, grads[key], numeric if batched else numeric[:, 0])


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("batched", [False, True])
def test_loss_and_grads_matches_finite_differences(fd, cell, batched):
    rng = np.random.default_rng(4)
    params = make_params(cell, seed=4)
    T, m = 5, 2
    x, _ = make_inputs(rng, T, m, batched, False, cell)
    a0 = rng.standard_normal((m, N_A) if batched else (N_A,))
    y = rng.integers(0, N_Y, (T, m) if batched else (T,))
    y[1] = -1  # a step that is not scored
    loss, grads = loss_and_grads(params, x, y, a0)
    assert set(grads) == set(params) | {"a"}  # no "x", "a0", "c0" or "c"

    def cross_entropy():
        return loss_and_grads(params, x, y, a0)[0]

    for key in sorted(params):
        fd.assert_match(key, grads[key], fd.gradient(cross_entropy, params[key]))

    # the total dL/da<t>, with an independent cross-entropy on the reference states
    m3 = m if batched else 1
    x3, y3, a03 = x.reshape(T, m3, N_X), y.reshape(T, m3), a0.reshape(m3, N_A)
    delta_a = np.zeros((T, m3, N_A))

    def reference_loss():
        states = reference_states(cell, params, x3, a03, np.zeros((m3, N_A)), delta_a)
        logits = states @ params["W_ya"].T + params["b_y"]
        log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        scored = y3 >= 0
        picked = np.take_along_axis(log_p, np.maximum(y3, 0)[..., None], axis=-1)[..., 0]
        return -picked[scored].sum() / scored.sum()

    assert loss == pytest.approx(reference_loss(), rel=1e-12)
    numeric = fd.gradient(reference_loss, delta_a)
    fd.assert_match("a", grads["a"], numeric if batched else numeric[:, 0])


# ---------------------------------------------------------------- why gates help

T_LONG = 100


def long_sequence(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T_LONG, 4)), rng.integers(0, 3, T_LONG)


@pytest.mark.parametrize("seed", range(3))
def test_basic_rnn_gradient_vanishes_over_100_steps(seed):
    x, y = long_sequence(seed)
    norms = gradient_norms(init_params(4, 16, 3, weight_scale=1.0, seed=seed), x, y)
    assert norms[0] < 1e-3 * norms[-1]
    assert norms[0] < 1e-3 * norms[T_LONG // 2 - 1]


@pytest.mark.parametrize("seed", range(3))
def test_gru_update_gate_at_keep_carries_gradient_back(seed):
    x, y = long_sequence(seed)
    params = init_params(4, 16, 3, cell="gru", seed=seed)
    params["b_u"] = np.full(16, -8.0)  # Gamma_u ~ 3e-4: c<t> ~ c<t-1>
    norms = gradient_norms(params, x, y)
    assert norms[0] > 0.1 * norms[-1]
    params["b_u"] = np.full(16, 8.0)  # Gamma_u ~ 1: c<t> ~ c~<t>, every step overwrites
    norms = gradient_norms(params, x, y)
    assert norms[0] < 1e-3 * norms[-1]


@pytest.mark.parametrize("seed", range(3))
def test_lstm_forget_gate_at_keep_carries_gradient_back(seed):
    """Gamma_f ~ 1 keeps dL/dc<t> unchanged back in time; it reaches a<1> as well as a<50>.

    Compared with a<50> rather than a<T>: the gradient enters the cell state at step T through
    Gamma_o * tanh'(c<T>), a factor that is the same for every earlier step but can be small,
    since with Gamma_f ~ 1 the cell state integrates and tanh(c<T>) saturates.
    """
    x, y = long_sequence(seed)
    params = init_params(4, 16, 3, cell="lstm", seed=seed)
    params["b_f"] = np.full(16, 8.0)  # Gamma_f ~ 0.9997
    norms = gradient_norms(params, x, y)
    assert norms[0] > 0.1 * norms[T_LONG // 2 - 1]
    params["b_f"] = np.full(16, -8.0)  # Gamma_f ~ 3e-4: c<t-1> is forgotten
    norms = gradient_norms(params, x, y)
    assert norms[0] < 1e-3 * norms[T_LONG // 2 - 1]


# ---------------------------------------------------------------- connectivity


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("batched", [False, True])
def test_connectivity_matches_finite_differences(fd, cell, batched):
    rng = np.random.default_rng(5)
    params = make_params(cell, seed=5)
    T, m = 4, 2
    x, _ = make_inputs(rng, T, m, batched, False, cell)
    a0 = rng.standard_normal((m, N_A) if batched else (N_A,))
    C = connectivity(params, x, a0)
    assert C.shape == (T, T)
    np.testing.assert_array_equal(np.triu(C, 1), 0.0)  # the future does not change the past
    assert (np.diag(C) > 0).all()

    # d y_hat<t> / d x<k> by central differences; the sequences of a batch are independent
    x3 = x.reshape(T, -1, N_X)
    m3 = x3.shape[1]
    jac = np.zeros((T, m3, N_Y, T, N_X))  # [t, sequence, i, k, j]
    h = 1e-5
    for k in range(T):
        for j in range(N_X):
            up, down = x3.copy(), x3.copy()
            up[k, :, j] += h
            down[k, :, j] -= h
            y_up, y_down = (predict(params, z.reshape(x.shape), a0) for z in (up, down))
            jac[:, :, :, k, j] = (y_up - y_down).reshape(T, m3, N_Y) / (2 * h)
    expected = np.sqrt((jac**2).sum(axis=(2, 4))).mean(axis=1)  # (T_t, T_k)
    fd.assert_match("connectivity", C, expected)


# ---------------------------------------------------------------- bad inputs


def test_unknown_cell_is_rejected():
    with pytest.raises(ValueError, match="cell == 'transformer'"):
        init_params(2, 3, 4, cell="transformer")


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_bad_inputs_name_the_argument(cell):
    params = init_params(N_X, N_A, N_Y, cell=cell, seed=0)
    fwd, bwd = CELLS[cell]
    with pytest.raises(ValueError, match="x has shape"):
        fwd(params, np.ones((5, N_X + 1)))
    with pytest.raises(ValueError, match="x has shape"):
        fwd(params, np.ones(5))
    with pytest.raises(TypeError, match="x must be an array"):
        fwd(params, "abc")
    with pytest.raises(ValueError, match="a0 has shape"):
        fwd(params, np.ones((5, 2, N_X)), np.ones((3, N_A)))
    with pytest.raises(ValueError, match="a0 has shape"):
        fwd(params, np.ones((5, N_X)), np.ones(N_A + 1))
    with pytest.raises(TypeError, match="params must be a dict"):
        fwd([1, 2], np.ones((5, N_X)))
    wrong = dict(params, W_u=np.ones((N_A, N_A)))
    with pytest.raises(ValueError, match=r"params\['W_u'\] has shape"):
        fwd(wrong, np.ones((5, N_X)))
    missing = {k: v for k, v in params.items() if k != "b_c"}
    with pytest.raises(ValueError, match="params has keys"):
        fwd(missing, np.ones((5, N_X)))
    a, cache = fwd(params, np.ones((5, N_X)))
    with pytest.raises(ValueError, match="da has shape"):
        bwd(np.ones((4, N_A)), cache)


def test_params_and_cache_of_the_other_cell_are_rejected():
    x = np.ones((5, N_X))
    gru, lstm = (init_params(N_X, N_A, N_Y, cell=c, seed=0) for c in ("gru", "lstm"))
    with pytest.raises(ValueError, match="params are those of the 'lstm' cell"):
        gru_forward(lstm, x)
    with pytest.raises(ValueError, match="params are those of the 'gru' cell"):
        lstm_forward(gru, x)
    with pytest.raises(ValueError, match="params are those of the 'rnn' cell"):
        lstm_forward(init_params(N_X, N_A, N_Y, seed=0), x)
    a, gru_cache = gru_forward(gru, x)
    with pytest.raises(ValueError, match=r"cache\['cell'\] == 'gru', lstm_backward needs"):
        lstm_backward(np.ones_like(a), gru_cache)
    with pytest.raises(TypeError, match="cache must be the dict from gru_forward, got list"):
        gru_backward(np.ones_like(a), [])


def test_lstm_c0_shape_is_checked():
    params = init_params(N_X, N_A, N_Y, cell="lstm", seed=0)
    with pytest.raises(ValueError, match="c0 has shape"):
        lstm_forward(params, np.ones((5, 2, N_X)), c0=np.ones((2, N_A + 1)))
    with pytest.raises(ValueError, match="c0 has shape"):
        lstm_forward(params, np.ones((5, 2, N_X)), c0=np.ones((3, N_A)))


def test_package_namespace_runs_the_gated_cells():
    params = rv.init_params(N_X, N_A, N_Y, cell="lstm", seed=0)
    loss, grads = rv.loss_and_grads(params, np.ones((5, N_X)), np.zeros(5, dtype=int))
    assert np.isfinite(loss) and set(grads) == set(params) | {"a"}
