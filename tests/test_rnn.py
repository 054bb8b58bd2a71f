"""Tests of rnnviz.rnn: the forward pass against the lecture's equation, backpropagation through
time against central finite differences, input checks, and float32."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnviz as rv

ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear"]

# g written out from its definition, independently of rnnviz.activations
G = {
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}


def reference_states(params, x, a0, activation):
    """a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a), one sequence, one step at a time."""
    a_prev = np.zeros(params["W_aa"].shape[0]) if a0 is None else a0
    states = []
    for x_t in x:
        a_prev = G[activation](params["W_aa"] @ a_prev + params["W_ax"] @ x_t + params["b_a"])
        states.append(a_prev)
    return np.array(states)


def cross_entropy(params, a, y):
    """Mean of -log softmax(W_ya a<t> + b_y)[y<t>] over the entries with y<t> != -1."""
    logits = a @ params["W_ya"].T + params["b_y"]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    scored = y >= 0
    return -np.take_along_axis(log_p, np.maximum(y, 0)[..., None], axis=-1)[..., 0][scored].mean()


def make_case(activation, batched, with_a0, *, seed=0, T=5, n_x=3, n_a=4, n_y=3, m=2):
    """Parameters with non-zero biases, inputs x, initial state a0 (or None) and labels y."""
    rng = np.random.default_rng(seed)
    params = rv.init_params(n_x, n_a, n_y, weight_scale=1.3, seed=seed)
    params["b_a"] = 0.3 * rng.standard_normal(n_a)
    params["b_y"] = 0.3 * rng.standard_normal(n_y)
    batch = (m,) if batched else ()
    x = rng.standard_normal((T, *batch, n_x))
    a0 = rng.standard_normal((*batch, n_a)) if with_a0 else None
    y = rng.integers(0, n_y, size=(T, *batch))
    y[1] = -1  # one step not scored
    if activation == "relu":
        _, cache = rv.rnn_forward(params, x, a0, activation="relu")
        assert np.abs(cache["z"]).min() > 1e-3, "a z<t> is at relu's kink: pick another seed"
    return params, x, a0, y


CASES = [
    pytest.param(act, batched, with_a0, id=f"{act}-{'batch' if batched else 'one'}-{a0_id}")
    for act in ACTIVATIONS
    for batched in (False, True)
    for with_a0, a0_id in ((False, "no_a0"), (True, "a0"))
]


# ---------------------------------------------------------------- forward


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_follows_the_equation(activation):
    params, x, a0, _ = make_case(activation, True, True)
    a, cache = rv.rnn_forward(params, x, a0, activation=activation)
    for i in range(x.shape[1]):
        expected = reference_states(params, x[:, i], a0[i], activation)
        np.testing.assert_allclose(a[:, i], expected, rtol=1e-13, atol=1e-14)
    single, _ = rv.rnn_forward(params, x[:, 0], a0[0], activation=activation)
    np.testing.assert_allclose(single, a[:, 0], rtol=1e-13, atol=1e-14)
    # the cache keeps the pre-activations z<t> of the equation, for the backward pass
    a_prev = np.concatenate([a0[None], a[:-1]])
    np.testing.assert_allclose(
        cache["z"], a_prev @ params["W_aa"].T + x @ params["W_ax"].T + params["b_a"], rtol=1e-12
    )


def test_forward_scalar_linear_rnn_by_hand():
    # n_a = n_x = 1, linear: a<t> = 0.5 a<t-1> + 2 x<t> + 1 from a<0> = 4, x = (1, 0, -1)
    params = {
        "W_aa": np.array([[0.5]]),
        "W_ax": np.array([[2.0]]),
        "b_a": np.array([1.0]),
        "W_ya": np.array([[1.0], [-1.0]]),
        "b_y": np.zeros(2),
    }
    a, _ = rv.rnn_forward(
        params, np.array([[1.0], [0.0], [-1.0]]), np.array([4.0]), activation="linear"
    )
    np.testing.assert_allclose(a[:, 0], [2 + 2 + 1, 2.5 + 0 + 1, 1.75 - 2 + 1], rtol=1e-15)


def test_integer_weights_compute_in_float64():
    params = {
        "W_aa": np.array([[0, 1], [-1, 0]]),
        "W_ax": np.array([[1], [2]]),
        "b_a": np.array([0, 1]),
        "W_ya": np.array([[1, 0], [0, 1]]),
        "b_y": np.zeros(2),
    }
    x = np.array([[0.5], [0.25]])
    a, _ = rv.rnn_forward(params, x)
    assert a.dtype == np.float64
    as_float = {k: v.astype(float) for k, v in params.items()}
    np.testing.assert_allclose(a, reference_states(as_float, x, None, "tanh"), rtol=1e-15)


def test_forward_without_a0_starts_from_zeros():
    params, x, _, _ = make_case("tanh", True, False)
    a_default, _ = rv.rnn_forward(params, x)
    a_zeros, _ = rv.rnn_forward(params, x, np.zeros((x.shape[1], 4)))
    np.testing.assert_array_equal(a_default, a_zeros)


def test_predict_is_softmax_of_the_output_layer():
    params, x, a0, _ = make_case("sigmoid", False, True)
    y_hat = rv.predict(params, x, a0, activation="sigmoid")
    logits = reference_states(params, x, a0, "sigmoid") @ params["W_ya"].T + params["b_y"]
    expected = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(y_hat, expected, rtol=1e-12)


def test_softmax_of_large_logits_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = rv.softmax(np.array([[1000.0, 1000.0 + np.log(3.0)], [-1e308, 0.0]]))
    np.testing.assert_allclose(p, [[0.25, 0.75], [0.0, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(rv.softmax([0.0, np.log(3.0)]), [0.25, 0.75], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    T=st.integers(1, 6),
    m=st.integers(1, 3),
    n_x=st.integers(1, 4),
    n_a=st.integers(1, 5),
    n_y=st.integers(2, 4),
    seed=st.integers(0, 2**16),
)
def test_shapes_and_a_batch_is_independent_sequences(T, m, n_x, n_a, n_y, seed):
    rng = np.random.default_rng(seed)
    params = rv.init_params(n_x, n_a, n_y, seed=seed)
    x = rng.standard_normal((T, m, n_x))
    a, cache = rv.rnn_forward(params, x)
    assert a.shape == (T, m, n_a)
    da = rng.standard_normal(a.shape)
    grads = rv.rnn_backward(da, cache)
    shapes = {k: v.shape for k, v in grads.items()}
    assert shapes == {
        "W_aa": (n_a, n_a),
        "W_ax": (n_a, n_x),
        "b_a": (n_a,),
        "x": (T, m, n_x),
        "a0": (m, n_a),
        "a": (T, m, n_a),
    }
    # a batch is m independent sequences: states stack, parameter gradients add up
    singles = [rv.rnn_forward(params, x[:, i]) for i in range(m)]
    np.testing.assert_allclose(a, np.stack([s[0] for s in singles], axis=1), rtol=1e-12, atol=1e-15)
    single_grads = [rv.rnn_backward(da[:, i], cache_i) for i, (_, cache_i) in enumerate(singles)]
    for k in ("W_aa", "W_ax", "b_a"):
        np.testing.assert_allclose(
            grads[k], sum(g[k] for g in single_grads), rtol=1e-10, atol=1e-13
        )
    for k, axis in (("x", 1), ("a0", 0), ("a", 1)):  # the batch axis of each
        np.testing.assert_allclose(
            grads[k], np.stack([g[k] for g in single_grads], axis=axis), rtol=1e-10, atol=1e-13
        )
    y = rng.integers(0, n_y, size=(T, m))
    _, lg = rv.loss_and_grads(params, x, y)
    assert {k: v.shape for k, v in lg.items()} == {
        **{k: v.shape for k, v in params.items()},
        "a": (T, m, n_a),
    }


# ---------------------------------------------------------------- backward against differences


@pytest.mark.parametrize(("activation", "batched", "with_a0"), CASES)
def test_rnn_backward_matches_finite_differences(fd, activation, batched, with_a0):
    params, x, a0, _ = make_case(activation, batched, with_a0)
    a0_array = np.zeros((2, 4) if batched else (4,)) if a0 is None else a0
    da_ext = np.random.default_rng(1).standard_normal((5, 2, 4) if batched else (5, 4))
    a, cache = rv.rnn_forward(params, x, a0, activation=activation)
    grads = rv.rnn_backward(da_ext, cache)

    def loss():  # L = sum_t da_ext<t> . a<t>
        return np.sum(da_ext * rv.rnn_forward(params, x, a0_array, activation=activation)[0])

    wrt = {**{k: params[k] for k in ("W_aa", "W_ax", "b_a")}, "x": x, "a0": a0_array}
    for name, array in wrt.items():
        numeric = fd.gradient(loss, array)
        assert np.linalg.norm(grads[name]) > 0
        assert fd.relative_error(grads[name], numeric) < 1e-6, name

    # grads["a"][t] is the total dL/da<t>: nudge a<t> by delta and let the nudge run through
    # every later step (restarting the RNN at a<t> + delta), compare with d L / d delta.
    for t in range(len(x)):
        delta = np.zeros_like(a[t])

        def nudged_loss(t=t, delta=delta):
            head = np.sum(da_ext[: t + 1] * a[: t + 1]) + np.sum(da_ext[t] * delta)
            if t == len(x) - 1:
                return head
            tail, _ = rv.rnn_forward(params, x[t + 1 :], a[t] + delta, activation=activation)
            return head + np.sum(da_ext[t + 1 :] * tail)

        numeric = fd.gradient(nudged_loss, delta)
        assert fd.relative_error(grads["a"][t], numeric) < 1e-6, f"a<{t + 1}>"


@pytest.mark.parametrize(("activation", "batched", "with_a0"), CASES)
def test_loss_and_grads_matches_finite_differences(fd, activation, batched, with_a0):
    params, x, a0, y = make_case(activation, batched, with_a0)
    loss, grads = rv.loss_and_grads(params, x, y, a0, activation=activation)
    assert set(grads) == {"W_aa", "W_ax", "b_a", "W_ya", "b_y", "a"}
    states = (
        np.stack(
            [
                reference_states(params, x[:, i], None if a0 is None else a0[i], activation)
                for i in range(x.shape[1])
            ],
            axis=1,
        )
        if batched
        else reference_states(params, x, a0, activation)
    )
    assert loss == pytest.approx(cross_entropy(params, states, y), rel=1e-12)

    def loss_only():
        return rv.loss_and_grads(params, x, y, a0, activation=activation)[0]

    for name in ("W_aa", "W_ax", "b_a", "W_ya", "b_y"):
        numeric = fd.gradient(loss_only, params[name])
        assert np.linalg.norm(grads[name]) > 0
        assert fd.relative_error(grads[name], numeric) < 1e-6, name

    a, _ = rv.rnn_forward(params, x, a0, activation=activation)
    for t in range(len(x)):
        delta = np.zeros_like(a[t])

        def nudged_loss(t=t, delta=delta):
            parts = [a[:t], (a[t] + delta)[None]]
            if t < len(x) - 1:
                parts.append(
                    rv.rnn_forward(params, x[t + 1 :], a[t] + delta, activation=activation)[0]
                )
            return cross_entropy(params, np.concatenate(parts), y)

        numeric = fd.gradient(nudged_loss, delta)
        assert fd.relative_error(grads["a"][t], numeric) < 1e-6, f"a<{t + 1}>"


def test_loss_counts_only_scored_steps():
    # with logits all 0, every scored step costs log(n_y); unscored steps cost nothing
    params = rv.init_params(2, 3, 4, seed=0)
    params["W_ya"][:] = 0.0
    x = np.ones((6, 2))
    loss, grads = rv.loss_and_grads(params, x, np.array([-1, 2, -1, -1, 0, -1]))
    assert loss == pytest.approx(np.log(4.0), rel=1e-14)
    # dL/db_y = mean over the 2 scored steps of (y_hat - onehot) = (1/4 - onehot) / 2 summed
    np.testing.assert_allclose(grads["b_y"], [0.5 * (0.5 - 1), 0.25, 0.5 * (0.5 - 1), 0.25])


# ---------------------------------------------------------------- init_params


def test_init_params_orthogonal_recurrent_weights():
    params = rv.init_params(3, 6, 2, weight_scale=1.7, seed=3)
    assert {k: v.shape for k, v in params.items()} == {
        "W_aa": (6, 6),
        "W_ax": (6, 3),
        "b_a": (6,),
        "W_ya": (2, 6),
        "b_y": (2,),
    }
    np.testing.assert_allclose(np.linalg.svd(params["W_aa"], compute_uv=False), 1.7, rtol=1e-12)
    np.testing.assert_allclose(params["W_aa"].T @ params["W_aa"], 1.7**2 * np.eye(6), atol=1e-12)
    assert not params["b_a"].any() and not params["b_y"].any()
    again = rv.init_params(3, 6, 2, weight_scale=1.7, seed=3)
    other = rv.init_params(3, 6, 2, weight_scale=1.7, seed=4)
    assert all(np.array_equal(params[k], again[k]) for k in params)
    assert not np.array_equal(params["W_aa"], other["W_aa"])
    assert not rv.init_params(3, 6, 2, weight_scale=0.0, seed=3)["W_aa"].any()


def test_random_orthogonal():
    Q = rv.random_orthogonal(7, np.random.default_rng(0))
    np.testing.assert_allclose(Q.T @ Q, np.eye(7), atol=1e-13)
    with pytest.raises(ValueError, match="n == 0, must be >= 1"):
        rv.random_orthogonal(0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="n == 2.5, must be an integer"):
        rv.random_orthogonal(2.5, np.random.default_rng(0))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"n_x": 0}, ValueError, "n_x == 0, must be >= 1"),
        ({"n_a": -3}, ValueError, "n_a == -3, must be >= 1"),
        ({"n_y": 2.5}, TypeError, "n_y == 2.5, must be an integer"),
        ({"n_x": True}, TypeError, "n_x == True, must be an integer"),
        ({"n_a": "4"}, TypeError, "n_a == '4', must be an integer"),
        ({"weight_scale": -1.0}, ValueError, "weight_scale == -1.0, must be >= 0"),
        ({"weight_scale": np.inf}, ValueError, "weight_scale == inf, must be finite"),
        ({"weight_scale": float("nan")}, ValueError, "weight_scale == nan, must be finite"),
        ({"weight_scale": "2"}, TypeError, "weight_scale == '2', must be a real number"),
        ({"dtype": "float16"}, ValueError, "dtype == 'float16', must be one of 'float64'"),
        ({"cell": "transformer"}, ValueError, "cell == 'transformer', must be one of 'rnn'"),
    ],
)
def test_init_params_bad_input(change, error, message):
    args = {"n_x": 2, "n_a": 3, "n_y": 2, **change}
    n_x, n_a, n_y = args.pop("n_x"), args.pop("n_a"), args.pop("n_y")
    with pytest.raises(error, match=message):
        rv.init_params(n_x, n_a, n_y, **args)


P = rv.init_params(3, 4, 2, seed=0)  # n_x = 3, n_a = 4, n_y = 2
BAD_FORWARD = [
    ({"x": np.zeros((5, 4))}, ValueError, r"x has shape \(5, 4\), its last axis must have size 3"),
    ({"x": np.zeros(5)}, ValueError, r"x has shape \(5,\), must be 2-D or 3-D"),
    ({"x": np.zeros((5, 2, 1, 3))}, ValueError, r"x has shape \(5, 2, 1, 3\), must be 2-D or 3-D"),
    ({"x": np.zeros((0, 3))}, ValueError, r"x has shape \(0, 3\): it is empty \(T == 0\?\)"),
    ({"x": np.full((5, 3), "a")}, TypeError, "x must hold real numbers, got dtype <U1"),
    ({"x": "abc"}, TypeError, "x must be an array, got str"),
    ({"activation": "softplus"}, ValueError, "activation == 'softplus', must be one of 'tanh', "),
    ({"activation": None}, ValueError, "activation == None, must be one of"),
    ({"a0": np.zeros(5)}, ValueError, r"a0 has shape \(5,\), its last axis must have size 4"),
    ({"a0": np.zeros((1, 4))}, ValueError, r"a0 has shape \(1, 4\), must be 1-D"),
    (
        {"x": np.zeros((5, 2, 3)), "a0": np.zeros((3, 4))},
        ValueError,
        r"a0 has shape \(3, 4\), expected \(2, 4\)",
    ),
    ({"params": [1, 2]}, TypeError, "params must be a dict of arrays, got list"),
    ({"params": {"W_aa": P["W_aa"]}}, ValueError, r"params has keys \['W_aa'\]; expected those"),
    (
        {"params": {**P, "W_aa": np.zeros((4, 3))}},
        ValueError,
        r"params\['W_aa'\] has shape \(4, 3\), expected \(4, 4\)",
    ),
    (
        {"params": {**P, "W_ya": np.zeros(4)}},
        ValueError,
        r"params\['W_ya'\] has shape \(4,\), must",
    ),
    (
        {"params": {**P, "W_ax": np.zeros(4)}},
        ValueError,
        r"params\['W_ax'\] has shape \(4,\), must",
    ),
    (
        {"params": {**P, "W_aa": np.zeros((4, 4)).tolist()}},
        TypeError,
        r"params\['W_aa'\] must be an ndarray, got list",
    ),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD_FORWARD)
def test_rnn_forward_bad_input(change, error, message):
    args = {"params": P, "x": np.zeros((5, 3)), "a0": None, "activation": "tanh", **change}
    for run in (rv.rnn_forward, rv.forward, rv.predict):
        with pytest.raises(error, match=message):
            run(args["params"], args["x"], args["a0"], activation=args["activation"])
    if np.ndim(args["x"]) == 2:  # the same checks guard loss_and_grads
        with pytest.raises(error, match=message):
            rv.loss_and_grads(
                args["params"],
                args["x"],
                np.zeros(5, dtype=int),
                args["a0"],
                activation=args["activation"],
            )


def test_rnn_backward_bad_input():
    params = rv.init_params(3, 4, 2, seed=0)
    _, cache = rv.rnn_forward(params, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"da has shape \(5, 3\), must match a: \(5, 4\)"):
        rv.rnn_backward(np.zeros((5, 3)), cache)
    with pytest.raises(ValueError, match=r"da has shape \(5, 1, 4\), must match a: \(5, 4\)"):
        rv.rnn_backward(np.zeros((5, 1, 4)), cache)
    _, batch_cache = rv.rnn_forward(params, np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=r"da has shape \(5, 4\), must match a: \(5, 2, 4\)"):
        rv.rnn_backward(np.zeros((5, 4)), batch_cache)


def test_loss_and_grads_bad_labels():
    params = rv.init_params(3, 4, 3, seed=0)
    x = np.zeros((5, 3))
    for y, error, message in [
        (
            np.array([0, 1, 3, 0, 1]),
            ValueError,
            r"y contains 3, labels must be in 0\.\.2 \(or -1 for not scored\)",
        ),
        (np.array([0, -2, 1, 0, 1]), ValueError, "y contains -2, labels must be in 0..2"),
        (np.full(5, -1), ValueError, "y has no scored entry: every label is -1"),
        (np.zeros(5), TypeError, "y must hold integer class labels, got dtype float64"),
        (np.zeros(4, dtype=int), ValueError, r"y has shape \(4,\), must be \(5,\)"),
        (np.zeros((5, 1), dtype=int), ValueError, r"y has shape \(5, 1\), must be \(5,\)"),
    ]:
        with pytest.raises(error, match=message):
            rv.loss_and_grads(params, x, y)
    with pytest.raises(ValueError, match=r"y has shape \(5,\), must be \(5, 2\)"):
        rv.loss_and_grads(params, np.zeros((5, 2, 3)), np.zeros(5, dtype=int))


# ---------------------------------------------------------------- float32


def test_float32_stays_float32_without_warnings():
    params = rv.init_params(3, 4, 2, weight_scale=1.5, seed=0, dtype="float32")
    assert all(v.dtype == np.float32 for v in params.values())
    np.testing.assert_allclose(np.linalg.svd(params["W_aa"], compute_uv=False), 1.5, rtol=1e-6)
    rng = np.random.default_rng(0)
    x, a0 = rng.standard_normal((6, 2, 3)), rng.standard_normal((2, 4))  # float64 inputs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for activation in ACTIVATIONS:
            a, cache = rv.rnn_forward(params, x, a0, activation=activation)
            assert a.dtype == cache["z"].dtype == np.float32
            grads = rv.rnn_backward(np.ones(a.shape), cache)
            assert {k: v.dtype for k, v in grads.items()} == dict.fromkeys(grads, np.float32)
            loss, grads = rv.loss_and_grads(
                params, x, rng.integers(0, 2, (6, 2)), a0, activation=activation
            )
            assert {k: v.dtype for k, v in grads.items()} == dict.fromkeys(grads, np.float32)
            assert np.isfinite(loss)
            assert rv.predict(params, x, a0, activation=activation).dtype == np.float32


def first_nonfinite_step(a):
    bad = ~np.isfinite(a).all(axis=-1)
    return int(np.argmax(bad)) + 1 if bad.any() else None


def test_float32_overflows_sooner():
    # linear RNN with W_aa = 10 Q: ||a<t>|| grows like 10^t, so it passes the largest float32
    # (3.4e38) near t = 38 and the largest float64 (1.8e308) near t = 308.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 3))
    steps = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in ("float32", "float64"):
            params = rv.init_params(3, 8, 2, weight_scale=10.0, seed=1, dtype=dtype)
            a, cache = rv.rnn_forward(params, x, activation="linear")
            steps[dtype] = first_nonfinite_step(a)
            grads = rv.rnn_backward(np.ones(a.shape), cache)  # NaN and inf, silently
            assert not np.isfinite(grads["W_aa"]).all()
            loss, _ = rv.loss_and_grads(params, x, np.zeros(400, dtype=int), activation="linear")
            assert not np.isfinite(loss)
    assert 34 <= steps["float32"] <= 40
    assert 303 <= steps["float64"] <= 310


# --- what the engine refuses before computing -------------------------------------------------


def test_complex_inputs_and_params_are_refused_by_name():
    params = rv.init_params(3, 4, 2, seed=0)
    x = np.ones((5, 3))
    with pytest.raises(TypeError, match="x has complex dtype complex128"):
        rv.forward(params, x + 1j)
    with pytest.raises(TypeError, match="a0 has complex dtype"):
        rv.forward(params, x, np.zeros(4, dtype=complex))
    bad = params | {"W_aa": params["W_aa"] * (1 + 0j)}
    with pytest.raises(TypeError, match=r"params\['W_aa'\] has complex dtype"):
        rv.predict(bad, x)
    with pytest.raises(
        TypeError, match=r"params\['b_a'\] must hold real numbers, got dtype object"
    ):
        rv.forward(params | {"b_a": np.array([None] * 4)}, x)
    with pytest.raises(ValueError, match="x is ragged"):
        rv.forward(params, [[1.0, 2.0, 3.0], [1.0]])


def test_sizes_are_capped_before_anything_is_allocated():
    with pytest.raises(ValueError, match=r"n_a == 1000000, must be <= 4,096 \(units of a layer\)"):
        rv.init_params(3, 10**6, 2)
    params = rv.init_params(1, 2, 2, seed=0)
    long = np.broadcast_to(np.zeros(1), (10_001, 1))  # a view: no memory behind it
    with pytest.raises(ValueError, match=r"T \(len\(x\)\) == 10001, must be <= 10,000"):
        rv.forward(params, long)
    wide = np.broadcast_to(np.zeros(1), (100, 100_001, 1))
    with pytest.raises(ValueError, match=r"m \(x.shape\[1\]\) == 100001, must be <= 100,000"):
        rv.forward(params, wide)
    big = np.broadcast_to(np.zeros(1), (10_000, 100_000, 1))  # T * m * n_a = 2e9 numbers
    with pytest.raises(rv.BudgetError, match=r"would hold about ([\d.]+) GiB at once") as e:
        rv.forward(params, big)
    assert float(e.value.args[0].split("about ")[1].split(" GiB")[0]) >= 2e9 * 8 / 2**30


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        ("a", TypeError, "seed == 'a', must be an integer"),
        (-1, ValueError, "seed == -1, must be >= 0"),
        (1.5, TypeError, "seed == 1.5, must be an integer"),
        ((1, -2), ValueError, "seed == -2, must be >= 0"),
    ],
)
def test_bad_seeds_are_named(seed, error, message):
    for make in (lambda: rv.init_params(2, 3, 2, seed=seed), lambda: rv.agreement(4, 2, seed=seed)):
        with pytest.raises(error, match=re.escape(message)):
            make()
    assert rv.init_params(2, 3, 2, seed=(1, 2))["W_aa"].shape == (3, 3)  # numpy's tuples work
