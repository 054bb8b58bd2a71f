"""Tests of rnnviz.diagnostics against the theory (Pascanu, Mikolov and Bengio 2013): exact
Jacobian norms of linear RNNs, the bound (sigma_max * gamma)^(T-k), cases where the bound says
nothing, and the connectivity map and explorer against finite differences and loss_and_grads."""

import contextlib
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnviz as rv
import rnnviz.diagnostics as diag
import rnnviz.influence as rc
from rnnviz.clipping import clip_by_global_norm

ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear"]
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}  # max |g'(z)|


def orthogonal(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def linear_rnn(s, *, n_x=2, n_a=6, n_y=3, seed=0):
    """Parameters with W_aa = s Q, Q orthogonal: every singular value of W_aa is s."""
    params = rv.init_params(n_x, n_a, n_y, seed=seed)
    params["W_aa"] = s * orthogonal(n_a, seed + 100)
    return params


def last_step_labels(T, y):
    labels = np.full(T, -1)
    labels[-1] = y
    return labels


@contextlib.contextmanager
def no_warnings():
    """A context in which any warning, RuntimeWarning or other, is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------- sigma_max, spectral radius


def test_sigma_max_and_spectral_radius_by_hand():
    c, s = np.cos(0.3), np.sin(0.3)
    rotation = 1.7 * np.array([[c, -s], [s, c]])
    assert diag.sigma_max(rotation) == pytest.approx(1.7, rel=1e-14)
    assert diag.spectral_radius(rotation) == pytest.approx(1.7, rel=1e-14)
    swap = np.array([[0.0, 2.0], [0.5, 0.0]])  # eigenvalues +-1, singular values 2 and 1/2
    assert diag.sigma_max(swap) == pytest.approx(2.0, rel=1e-14)
    assert diag.spectral_radius(swap) == pytest.approx(1.0, rel=1e-14)
    nilpotent = np.array([[0.0, 1.0], [0.0, 0.0]])
    assert diag.sigma_max(nilpotent) == pytest.approx(1.0, rel=1e-14)
    assert diag.spectral_radius(nilpotent) == pytest.approx(0.0, abs=1e-14)
    # [[a, b], [0, a]]: sigma_max^2 is the larger root of l^2 - (2a^2 + b^2) l + a^4
    a, b = 0.5, 3.0
    p = 2 * a**2 + b**2
    expected = np.sqrt((p + np.sqrt(p**2 - 4 * a**4)) / 2)
    assert diag.sigma_max([[a, b], [0.0, a]]) == pytest.approx(expected, rel=1e-14)
    assert diag.spectral_radius([[a, b], [0.0, a]]) == pytest.approx(a, rel=1e-14)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 6).map(lambda n: (n, n)), elements=st.floats(-10, 10)))
def test_spectral_radius_never_exceeds_sigma_max(W):
    rho, sigma = diag.spectral_radius(W), diag.sigma_max(W)
    assert sigma == pytest.approx(np.linalg.svd(W, compute_uv=False).max(), rel=1e-12, abs=1e-300)
    assert rho == pytest.approx(np.abs(np.linalg.eigvals(W)).max(), rel=1e-9, abs=1e-12)
    assert rho <= sigma * (1 + 1e-9) + 1e-12


def test_sigma_max_of_non_finite_matrices():
    assert diag.sigma_max([[1.0, np.inf], [0.0, 1.0]]) == np.inf
    assert np.isnan(diag.sigma_max([[1.0, np.nan], [0.0, 1.0]]))
    assert np.isnan(diag.spectral_radius([[1.0, np.inf], [0.0, 1.0]]))


def test_regime():
    assert diag.regime(0.99, 1.0) == "vanishing"
    assert diag.regime(1.01, 1.0) == "exploding"
    assert diag.regime(1.0, 1.0) == "neither"
    assert diag.regime(3.96, 0.25) == "vanishing"
    assert diag.regime(4.04, 0.25) == "exploding"


def test_bound_by_hand():
    np.testing.assert_allclose(diag.bound(2.0, 0.25, 4), [0.125, 0.25, 0.5, 1.0])
    np.testing.assert_array_equal(diag.bound(0.0, 1.0, 3), [0.0, 0.0, 1.0])
    assert diag.bound(10.0, 1.0, 400)[0] == np.inf  # 10^399 overflows: a result, no warning


# ---------------------------------------------------------------- exact Jacobian norms


@pytest.mark.parametrize("s", [0.5, 0.9, 1.0, 1.1, 1.5])
def test_linear_rnn_jacobian_norms_are_powers_of_s(s):
    # a<t> = W_aa a<t-1> + ...  =>  dA<T>/dA<k> = W_aa^(T-k) = s^(T-k) Q^(T-k), norm s^(T-k)
    T = 40
    params = linear_rnn(s)
    x = np.random.default_rng(1).standard_normal((T, 2))
    expected = s ** np.arange(T - 1, -1, -1.0)
    norms = diag.jacobian_norms(params, x, activation="linear")
    np.testing.assert_allclose(norms, expected, rtol=1e-11)
    J = diag.jacobian_products(params, x, activation="linear")
    assert J.shape == (T, 6, 6)
    for k in (0, 17, T - 1):  # J<k> is s^(T-k) times an orthogonal matrix
        np.testing.assert_allclose(J[k].T @ J[k] / expected[k] ** 2, np.eye(6), atol=1e-11)
    # the input does not matter for a linear RNN
    other = diag.jacobian_norms(params, 100 * x, np.ones(6), activation="linear")
    np.testing.assert_allclose(other, expected, rtol=1e-11)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_jacobian_products_match_finite_differences(activation):
    # column j of dA<T>/dA<k>: nudge a<k>_j, run the RNN on from there, watch a<T> move
    params, x, a0 = small_case(seed=4)
    a, _ = rv.rnn_forward(params, x, a0, activation=activation)
    J = diag.jacobian_products(params, x, a0, activation=activation)
    norms = diag.jacobian_norms(params, x, a0, activation=activation)
    T, eps = len(x), 1e-6
    for k in range(T - 1):
        numeric = np.empty((4, 4))
        for j in range(4):
            nudge = eps * np.eye(4)[j]
            up, _ = rv.rnn_forward(params, x[k + 1 :], a[k] + nudge, activation=activation)
            down, _ = rv.rnn_forward(params, x[k + 1 :], a[k] - nudge, activation=activation)
            numeric[:, j] = (up[-1] - down[-1]) / (2 * eps)
        np.testing.assert_allclose(J[k], numeric, rtol=1e-6, atol=1e-9)
        assert norms[k] == pytest.approx(np.linalg.norm(numeric, 2), rel=1e-6)
    np.testing.assert_array_equal(J[-1], np.eye(4))


@pytest.mark.parametrize(("s", "T"), [(3.0, 700), (0.5, 1000)])
def test_jacobian_norms_are_exact_across_the_float64_range(s, T):
    # 3^646 ~ 1.7e308 is the largest power of 3 in float64, so the first 53 of the 700 norms
    # overflow; 0.5^999 ~ 2e-301 does not underflow
    params = linear_rnn(s, n_a=4)
    norms = diag.jacobian_norms(params, np.zeros((T, 2)), activation="linear")
    with np.errstate(over="ignore"):
        expected = s ** np.arange(T - 1, -1, -1.0)
    np.testing.assert_array_equal(np.isinf(norms), np.isinf(expected))
    assert np.isinf(expected).sum() == (53 if s == 3.0 else 0)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(norms[finite], expected[finite], rtol=1e-10)


def test_jacobian_norms_at_selected_steps():
    params = linear_rnn(1.2)
    x = np.zeros((30, 2))
    at = np.array([0, 5, 29])
    np.testing.assert_allclose(
        diag.jacobian_norms(params, x, activation="linear", at=at),
        1.2 ** (29 - at),
        rtol=1e-12,
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("weight_scale", [0.5, 1.0, 2.5, 6.0])
@pytest.mark.parametrize("input_scale", [0.1, 1.0, 4.0])
def test_jacobian_norms_stay_under_the_bound(activation, weight_scale, input_scale):
    # ||dA<T>/dA<k>|| <= (sigma_max(W_aa) gamma)^(T-k), W_aa a general (not orthogonal) matrix
    rng = np.random.default_rng(7)
    T, n_a = 30, 8
    params = rv.init_params(3, n_a, 2, seed=7)
    params["W_aa"] = weight_scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
    params["b_a"] = 0.1 * rng.standard_normal(n_a)
    x = input_scale * rng.standard_normal((T, 3))
    sigma = np.linalg.svd(params["W_aa"], compute_uv=False)[0]
    with np.errstate(over="ignore"):
        bound = (sigma * GAMMA[activation]) ** np.arange(T - 1, -1, -1.0)
    norms = diag.jacobian_norms(params, x, activation=activation)
    assert norms[-1] == pytest.approx(1.0)
    assert (norms <= bound * (1 + 1e-10)).all()
    np.testing.assert_allclose(diag.bound(sigma, GAMMA[activation], T), bound, rtol=1e-12)


def test_gradient_vanishes_with_sigma_max_above_one_non_normal():
    # W = [[1/2, 3], [0, 1/2]]: sigma_max ~ 3.08 > 1, spectral radius 1/2. Its powers are
    # W^n = [[2^-n, 3 n 2^(1-n)], [0, 2^-n]]: they grow for a few steps, then vanish.
    T = 80
    params = rv.init_params(1, 2, 2, seed=0)
    params["W_aa"] = np.array([[0.5, 3.0], [0.0, 0.5]])
    norms = diag.jacobian_norms(params, np.zeros((T, 1)), activation="linear")
    for k in range(T):
        n = T - 1 - k
        power = np.array([[0.5**n, 3 * n * 0.5 ** (n - 1)], [0.0, 0.5**n]])
        assert norms[k] == pytest.approx(np.linalg.norm(power, 2), rel=1e-10)
    assert norms.max() > 2.0  # transient growth
    assert norms[0] < 1e-19  # then it vanishes
    sigma = diag.sigma_max(params["W_aa"])
    assert sigma > 3 and diag.spectral_radius(params["W_aa"]) == pytest.approx(0.5)
    assert diag.regime(sigma, 1.0) == "exploding"  # the bound allows it; it does not happen


def test_gradient_vanishes_with_sigma_max_above_one_saturated_tanh():
    # sigma_max gamma = 3, but large inputs push every unit into tanh's flat tails: g' ~ 0
    T = 40
    params = linear_rnn(3.0)
    x = 30 * np.random.default_rng(2).standard_normal((T, 2))
    norms = diag.jacobian_norms(params, x, activation="tanh")
    assert norms[0] < 1e-12
    unsaturated = diag.jacobian_norms(params, 0.01 * x, activation="linear")
    assert unsaturated[0] == pytest.approx(3.0 ** (T - 1), rel=1e-10)
    assert diag.saturation(params, x, activation="tanh").mean() < 0.05


def test_nan_products_are_reported_as_nan_not_as_zero():
    params = linear_rnn(1.0)
    x = np.ones((8, 2))
    x[3, 0] = np.nan  # z<4> .. z<8> are NaN, and with them g'
    with no_warnings():
        norms = diag.jacobian_norms(params, x, activation="tanh")
    assert np.isnan(norms[:7]).all() and norms[7] == 1.0


def test_zero_products_are_zero():
    params = linear_rnn(0.0)
    np.testing.assert_array_equal(
        diag.jacobian_norms(params, np.ones((5, 2)), activation="tanh"), [0, 0, 0, 0, 1]
    )


# ---------------------------------------------------------------- connectivity


def connectivity_by_finite_differences(params, x, a0, activation, eps=1e-6):
    """||d y_hat<t> / d x<k>||_F from central differences of rnnviz.predict."""
    T, n_x = x.shape
    C = np.zeros((T, T))
    for k in range(T):
        columns = []
        for j in range(n_x):
            up, down = x.copy(), x.copy()
            up[k, j] += eps
            down[k, j] -= eps
            y_up = rv.predict(params, up, a0, activation=activation)
            y_down = rv.predict(params, down, a0, activation=activation)
            columns.append((y_up - y_down) / (2 * eps))  # (T, n_y): d y_hat<t> / d x<k>_j
        C[:, k] = np.sqrt(np.sum(np.square(columns), axis=(0, 2)))
    return C


def small_case(n_y=3, *, T=6, seed=0, batch=()):
    rng = np.random.default_rng(seed)
    params = rv.init_params(3, 4, n_y, weight_scale=1.2, seed=seed)
    params["b_a"] = 0.2 * rng.standard_normal(4)
    params["b_y"] = 0.5 * rng.standard_normal(n_y)
    return params, rng.standard_normal((T, *batch, 3)), rng.standard_normal((*batch, 4))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_connectivity_matches_finite_differences(activation):
    params, x, a0 = small_case(seed=3)
    C = rv.connectivity(params, x, a0, activation=activation)
    expected = connectivity_by_finite_differences(params, x, a0, activation)
    assert C.shape == (6, 6)
    np.testing.assert_allclose(C, expected, rtol=1e-6, atol=1e-10)
    assert not np.triu(C, 1).any()  # the output at t never depends on a later input
    assert (np.diag(C) > 0).all()


def test_connectivity_with_one_class_is_zero():
    params, x, a0 = small_case(n_y=1)  # softmax of a single logit is always 1
    np.testing.assert_array_equal(rv.connectivity(params, x, a0), 0.0)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_y", [1, 2, 3, 5])
def test_connectivity_fast_path_agrees_with_the_generic_one(activation, n_y):
    params, x, a0 = small_case(n_y, T=7, seed=n_y)
    a, _ = rv.rnn_forward(params, x, a0, activation=activation)
    rows = rc.output_rows(a[:, None], params)[:, 0]
    generic = rc._generic_connectivity(rows, params, x, a0, activation)
    fast = rv.connectivity(params, x, a0, activation=activation)
    np.testing.assert_allclose(fast, generic, rtol=1e-12, atol=1e-15)


def test_connectivity_in_float32_agrees_with_float64():
    params, x, a0 = small_case(batch=(2,), seed=6)
    single = {k: v.astype(np.float32) for k, v in params.items()}
    with no_warnings():
        C32 = rv.connectivity(single, x, a0)
    np.testing.assert_allclose(C32, rv.connectivity(params, x, a0), rtol=1e-4, atol=1e-8)


def test_connectivity_of_a_batch_is_the_mean_of_the_sequences():
    params, x, a0 = small_case(batch=(3,), seed=5)
    maps = [rv.connectivity(params, x[:, i], a0[i], activation="sigmoid") for i in range(3)]
    np.testing.assert_allclose(
        rv.connectivity(params, x, a0, activation="sigmoid"), np.mean(maps, axis=0), rtol=1e-13
    )
    assert not np.allclose(maps[0], maps[1])  # the average is of different maps


# ---------------------------------------------------------------- explore


def explore_case(
    activation="tanh", weight_scale=1.3, *, T=25, n_a=5, n_y=3, seed=0, dtype="float64"
):
    params = rv.init_params(2, n_a, n_y, weight_scale=weight_scale, seed=seed, dtype=dtype)
    x = np.random.default_rng(seed + 1).standard_normal((T, 2))
    return params, x


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_explore_agrees_with_loss_and_grads(activation):
    params, x = explore_case(activation)
    result = diag.explore(params, x, 2, activation=activation)
    loss, grads = rv.loss_and_grads(params, x, last_step_labels(25, 2), activation=activation)
    assert result.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(result.grad_norm, np.linalg.norm(grads["a"], axis=1), rtol=1e-12)
    param_grads = np.concatenate([grads[k].ravel() for k in ("W_aa", "W_ax", "b_a", "W_ya", "b_y")])
    assert result.total_norm == pytest.approx(np.linalg.norm(param_grads), rel=1e-12)
    np.testing.assert_array_equal(result.k, np.arange(1, 26))
    assert result.ratio == pytest.approx(result.grad_norm[0] / result.grad_norm[-1])
    np.testing.assert_allclose(
        result.grad_norm,
        diag.gradient_norms(params, x, last_step_labels(25, 2), activation=activation),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        result.sigma,
        diag.jacobian_norms(params, x, activation=activation, at=result.sigma_k - 1),
        rtol=1e-12,
    )
    assert result.sigma_max == pytest.approx(1.3, rel=1e-12)
    assert result.gamma == GAMMA[activation]
    assert result.first_nonfinite is None and result.nonfinite is None


def test_gradient_norms_with_a_loss_at_every_step():
    params, x = explore_case()
    y = np.random.default_rng(0).integers(0, 3, 25)
    _, grads = rv.loss_and_grads(params, x, y)
    np.testing.assert_allclose(
        diag.gradient_norms(params, x, y, loss_at="every"),
        np.linalg.norm(grads["a"], axis=1),
        rtol=1e-12,
    )
    _, grads = rv.loss_and_grads(params, x, last_step_labels(25, y[-1]))
    np.testing.assert_allclose(
        diag.gradient_norms(params, x, y), np.linalg.norm(grads["a"], axis=1), rtol=1e-12
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("weight_scale", [0.6, 1.0, 1.4, 5.0])
def test_explore_gradient_stays_under_the_bound(activation, weight_scale):
    params, x = explore_case(activation, weight_scale, T=40)
    result = diag.explore(params, x, 0, activation=activation)
    # ||dL/da<k>|| <= ||dL/da<T>|| (sigma_max gamma)^(T-k)
    expected_bound = result.grad_norm[-1] * (weight_scale * GAMMA[activation]) ** np.arange(
        39, -1, -1.0
    )
    np.testing.assert_allclose(result.bound, expected_bound, rtol=1e-12)
    assert (result.grad_norm <= result.bound * (1 + 1e-10)).all()


@pytest.mark.parametrize("s", [0.9, 1.0, 1.1])
def test_explore_linear_orthogonal_meets_the_bound_exactly(s):
    # dL/da<k> = (W_aa^T)^(T-k) dL/da<T> and W_aa = s Q: the norm is exactly s^(T-k) ||dL/da<T>||
    params, x = linear_rnn(s), np.random.default_rng(3).standard_normal((30, 2))
    result = diag.explore(params, x, 1, activation="linear")
    np.testing.assert_allclose(result.grad_norm, result.bound, rtol=1e-11)
    assert result.ratio == pytest.approx(s**29, rel=1e-11)


@pytest.mark.parametrize(
    ("activation", "weight_scale", "regime"),
    [
        ("linear", 0.99, "vanishing"),
        ("linear", 1.0, "neither"),
        ("linear", 1.01, "exploding"),
        ("sigmoid", 3.96, "vanishing"),
        ("sigmoid", 4.04, "exploding"),
        ("tanh", 0.99, "vanishing"),
    ],
)
def test_explore_regime_flips_at_sigma_max_gamma_one(activation, weight_scale, regime):
    params, x = explore_case(activation, weight_scale, T=60)
    result = diag.explore(params, x, 0, activation=activation)
    assert result.regime == regime
    if activation == "linear":  # and the gradient does what the regime says: s^(T-1)
        assert result.ratio == pytest.approx(weight_scale**59, rel=1e-10)


def test_explore_clip_factor():
    params, x = explore_case(weight_scale=1.5)
    free = diag.explore(params, x, 1)
    total = free.total_norm
    assert free.clip_factor == 1.0
    np.testing.assert_array_equal(free.grad_norm_clipped, free.grad_norm)
    loose = diag.explore(params, x, 1, max_norm=2 * total)
    assert loose.clip_factor == 1.0
    np.testing.assert_array_equal(loose.grad_norm_clipped, loose.grad_norm)
    tight = diag.explore(params, x, 1, max_norm=total / 4)
    assert tight.clip_factor == pytest.approx(0.25, rel=1e-12)
    np.testing.assert_allclose(tight.grad_norm_clipped, free.grad_norm / 4, rtol=1e-12)
    # the same factor that clip_by_global_norm applies to the parameter gradients
    _, grads = rv.loss_and_grads(params, x, last_step_labels(25, 1))
    grads.pop("a")
    clipped, norm_before = clip_by_global_norm(grads, total / 4)
    assert norm_before == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(clipped["W_aa"], grads["W_aa"] * tight.clip_factor, rtol=1e-12)


@pytest.mark.parametrize("sigma_points", [None, 1, 7, 20, 1000])
def test_explore_sigma_points(sigma_points):
    params, x = explore_case(T=60)
    result = diag.explore(params, x, 1, sigma_points=sigma_points)
    k = result.sigma_k
    assert k[0] == 1 and k[-1] == 60 and (np.diff(k) > 0).all()
    expected = 60 if sigma_points in (None, 1000) else sigma_points
    assert expected <= len(k) <= expected + 2


def test_explore_large_logits_give_a_finite_loss():
    # logits ~ 1e146: softmax rounds y_hat to 0 or 1, the log-softmax keeps the loss finite
    params, x = explore_case("linear", 1000.0, T=50)
    with no_warnings():
        result = diag.explore(params, x, 1, activation="linear")
    loss, _ = rv.loss_and_grads(params, x, last_step_labels(50, 1), activation="linear")
    assert np.isfinite(loss) and loss > 1e100
    assert result.loss == pytest.approx(loss, rel=1e-12)


def test_explore_saturation():
    params, x = explore_case("linear")
    np.testing.assert_array_equal(diag.explore(params, x, 0, activation="linear").saturation, 1)
    saturated = diag.explore(params, 1000 * x, 0, activation="tanh").saturation
    assert ((saturated >= 0) & (saturated <= 1)).all() and saturated.mean() < 0.05


def test_explore_reports_overflow_in_float32_first():
    # linear, W_aa = 100 Q, inputs only in the last 3 steps: the forward pass stays small and
    # the gradient grows 100-fold per step back, past float32's 3.4e38 about 19 steps back
    T = 60
    x = np.zeros((T, 2))
    x[-3:] = 1.0
    params, _ = explore_case("linear", 100.0, T=T)
    y = int(np.argmin(rv.predict(params, x, activation="linear")[-1]))  # a clearly wrong class
    results = {}
    with no_warnings():
        for dtype in ("float64", "float32"):
            params, _ = explore_case("linear", 100.0, T=T, dtype=dtype)
            results[dtype] = diag.explore(params, x, y, activation="linear", max_norm=1.0)
    exact = results["float64"]
    assert exact.first_nonfinite is None and exact.nonfinite is None
    assert np.isfinite(exact.grad_norm).all() and exact.grad_norm[0] > 1e100
    r = results["float32"]
    k_exact = np.nonzero(exact.grad_norm > np.finfo(np.float32).max)[0].max() + 1
    assert k_exact - 2 <= r.first_nonfinite <= k_exact + 1
    finite = np.isfinite(r.grad_norm)
    assert not finite[r.first_nonfinite - 1] and finite[r.first_nonfinite :].all()
    assert r.nonfinite == ("NaN" if np.isnan(r.grad_norm).any() else "inf")
    assert r.nonfinite == "NaN"  # inf - inf appears a step after the first inf
    assert not np.isfinite(r.total_norm) and r.clip_factor == 1.0


def test_explore_reports_nan_inputs():
    params, x = explore_case()
    x[10, 1] = np.nan
    with no_warnings():
        result = diag.explore(params, x, 0)
    assert result.first_nonfinite == 25 and result.nonfinite == "NaN"
    assert np.isnan(result.sigma[:-1]).all()


# ---------------------------------------------------------------- bad input


PARAMS, X = explore_case()  # n_x = 2, n_y = 3, T = 25
BAD_EXPLORE = [
    ({"y": 3}, ValueError, "y == 3, must be a class label in 0..2"),
    ({"y": -1}, ValueError, "y == -1, must be >= 0"),
    ({"y": 1.0}, TypeError, "y == 1.0, must be an integer"),
    ({"y": np.array([1])}, TypeError, "y == array([1]), must be an integer"),
    ({"max_norm": 0.0}, ValueError, "max_norm == 0.0, must be > 0"),
    ({"max_norm": np.nan}, ValueError, "max_norm == nan, must be finite"),
    ({"sigma_points": 0}, ValueError, "sigma_points == 0, must be >= 1"),
    ({"sigma_points": 2.5}, TypeError, "sigma_points == 2.5, must be an integer"),
    ({"activation": "gelu"}, ValueError, "activation == 'gelu', must be one of"),
    ({"x": np.zeros((25, 2, 2))}, ValueError, "explore takes one sequence x of shape (T, n_x)"),
    ({"x": np.zeros((25, 3))}, ValueError, "x has shape (25, 3), its last axis must have size 2"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD_EXPLORE)
def test_explore_bad_input(change, error, message):
    args = {"x": X, "y": 1, **change}
    with pytest.raises(error, match=re.escape(message)):
        diag.explore(PARAMS, args.pop("x"), args.pop("y"), **args)


BATCH = np.zeros((25, 2, 2))
BAD_CALLS = [
    (diag.jacobian_norms, (PARAMS, BATCH), {}, ValueError, "Jacobian products take one sequence"),
    (diag.jacobian_products, (PARAMS, BATCH), {}, ValueError, "Jacobian products take one"),
    (diag.jacobian_norms, (PARAMS, X), {"at": [25]}, ValueError, "at == array([25]), must be"),
    (diag.jacobian_norms, (PARAMS, X), {"at": [1.5]}, ValueError, "at == array([1.5]), must be"),
    (diag.jacobian_norms, (PARAMS, X), {"activation": "elu"}, ValueError, "activation == 'elu'"),
    (
        diag.sigma_max,
        (np.zeros(3),),
        {},
        ValueError,
        "W has shape (3,), must be a non-empty matrix",
    ),
    (diag.spectral_radius, (np.zeros((2, 3)),), {}, ValueError, "W has shape (2, 3), must be a"),
    (diag.bound, (1.0, 1.0, 0), {}, ValueError, "T == 0, must be >= 1"),
    (diag.bound, (1.0, 1.0, 2.5), {}, TypeError, "T == 2.5, must be an integer"),
    (diag.bound, (-1.0, 1.0, 3), {}, ValueError, "sigma == -1.0, must be >= 0"),
    (diag.gradient_norms, (PARAMS, X, 1), {}, ValueError, "y has shape (), must be (25,)"),
    (
        diag.gradient_norms,
        (PARAMS, X, np.zeros(25, int)),
        {"loss_at": "first"},
        ValueError,
        "loss_at == 'first', must be one of 'last', 'every'",
    ),
    (rv.connectivity, (PARAMS, np.zeros((0, 2))), {}, ValueError, "x has shape (0, 2): it is"),
    (diag.saturation, (PARAMS, X), {"activation": "swish"}, ValueError, "activation == 'swish'"),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "error", "message"), BAD_CALLS)
def test_diagnostics_bad_input(function, args, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        function(*args, **kwargs)


# --- arguments that are not what the diagnostics expect --------------------------------------

GRU = rv.init_params(3, 4, 2, cell="gru", seed=0)
X1 = np.random.default_rng(0).standard_normal((6, 3))


@pytest.mark.parametrize(
    "call",
    [
        lambda: rv.jacobian_products(GRU, X1),
        lambda: rv.jacobian_norms(GRU, X1),
        lambda: rv.saturation(GRU, X1),
        lambda: rv.explore(GRU, X1, 1),
    ],
)
def test_rnn_only_diagnostics_name_the_gated_cell(call):
    with pytest.raises(ValueError, match=r"params are those of the 'gru' cell, \w+ needs"):
        call()


def test_complex_matrices_are_refused():
    for f in (rv.sigma_max, rv.spectral_radius):
        with pytest.raises(TypeError, match="W has complex dtype complex128"):
            f(np.eye(2) * (1 + 1j))


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_explore_on_non_finite_weights_returns_marked_results(value):
    params, x, _ = small_case(seed=2)
    params["W_aa"][0, 1] = value
    with no_warnings():
        flow = rv.explore(params, x, 1, max_norm=1.0)
    assert flow.first_nonfinite is not None and flow.nonfinite in ("inf", "NaN")
    assert flow.clip_factor == 1.0  # nothing to rescale
    assert np.isnan(flow.sigma_max) == np.isnan(value)
    assert flow.regime == ("undefined" if np.isnan(value) else "exploding")
    assert flow.grad_norm.shape == flow.bound.shape == (len(x),)


def test_bound_and_regime_of_huge_and_nan_sigma():
    with no_warnings():
        assert np.isinf(rv.bound(1e200, 1.0, 3)[0]) and rv.bound(1e200, 1.0, 3)[-1] == 1.0
    assert rv.regime(np.nan, 1.0) == "undefined"
    assert rv.regime(np.inf, 0.25) == "exploding"
    with pytest.raises(ValueError, match="T == 10001, must be <= 10,000"):
        rv.bound(0.9, 1.0, 10_001)
