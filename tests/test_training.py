import re
import time
import tracemalloc
import warnings

import numpy as np
import pytest

import rnnviz as rv


@pytest.fixture(scope="module")
def short_gap():
    return rv.agreement(1000, 2, seed=10), rv.agreement(500, 2, seed=11)


def test_a_short_gap_is_learned(short_gap):
    (x, y), (x_test, y_test) = short_gap
    params = rv.init_params(x.shape[-1], 16, 2, seed=0)
    assert rv.accuracy(params, x_test, y_test) < 0.8
    trained, history = rv.train(params, x, y, steps=150, learning_rate=0.02, seed=0)
    assert history["diverged_at"] is None
    assert rv.accuracy(trained, x_test, y_test) > 0.95
    assert history["loss"][-10:].mean() < history["loss"][:10].mean() / 5
    assert len(history["loss"]) == len(history["grad_norm"]) == 150


def test_train_does_not_modify_its_input(short_gap):
    (x, y), _ = short_gap
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    before = {k: v.copy() for k, v in params.items()}
    rv.train(params, x, y, steps=5)
    assert all(np.array_equal(before[k], params[k]) for k in params)


def test_divergence_is_reported_and_clipping_prevents_it():
    # relu with weight scale 2: sigma_max * gamma = 2, and plain SGD with a large step
    x, y = rv.agreement(500, 10, seed=1)
    params = rv.init_params(x.shape[-1], 32, 2, weight_scale=2.0, seed=0)
    options = dict(steps=200, optimizer="sgd", learning_rate=0.1, activation="relu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, wild = rv.train(params, x, y, **options)
        clipped_params, tame = rv.train(
            params, x, y, clip_method="norm", clip_threshold=1.0, **options
        )
    assert wild["diverged_at"] is not None
    assert wild["message"].startswith(f"diverged at step {wild['diverged_at']}")
    assert tame["diverged_at"] is None
    assert all(np.isfinite(v).all() for v in clipped_params.values())
    assert np.isfinite(tame["loss"]).all()
    assert 0 < tame["clipped"].mean() < 1
    # the recorded norm is the one before clipping: it exceeds the threshold when clipped
    assert np.all(tame["grad_norm"][tame["clipped"]] > 1.0)


def test_sgd_momentum_and_clipping_methods_run(short_gap):
    (x, y), _ = short_gap
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    for method in (None, "value", "norm", "array_norm"):
        _, h = rv.train(
            params,
            x,
            y,
            steps=20,
            optimizer="sgd",
            momentum=0.9,
            learning_rate=0.05,
            clip_method=method,
            clip_threshold=0.01,
        )
        assert h["diverged_at"] is None
        assert h["clipped"].all() == (method is not None)


def test_gradient_norms_through_time_are_recorded(short_gap):
    (x, y), _ = short_gap
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    _, h = rv.train(params, x, y, steps=12, record_at=(0, 10))
    assert sorted(h["grad_norms_through_time"]) == [0, 10]
    assert h["grad_norms_through_time"][0].shape == (x.shape[0],)


def test_sgd_update_follows_the_equation():
    params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -1.0])}
    new, state = rv.training.sgd_update(params, grads, {}, learning_rate=0.1, momentum=0.9)
    assert np.allclose(new["w"], [0.95, 2.1])
    new2, _ = rv.training.sgd_update(new, grads, state, learning_rate=0.1, momentum=0.9)
    assert np.allclose(new2["w"], new["w"] - 0.1 * (0.9 * grads["w"] + grads["w"]))


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    params, grads = {"w": np.array([1.0, 2.0, 3.0])}, {"w": np.array([1e-3, -5.0, 40.0])}
    new, _ = rv.training.adam_update(params, grads, {}, learning_rate=0.01)
    assert np.allclose(new["w"] - params["w"], -0.01 * np.sign(grads["w"]), rtol=1e-4)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"steps": 0}, ValueError, "steps == 0"),
        ({"optimizer": "rmsprop"}, ValueError, "optimizer == 'rmsprop'"),
        ({"clip_method": "magic"}, ValueError, "clip_method == 'magic'"),
        ({"clip_threshold": -1.0}, ValueError, "clip_threshold == -1.0"),
        ({"learning_rate": float("inf")}, ValueError, "learning_rate == inf"),
        ({"batch_size": 1.5}, TypeError, "batch_size == 1.5"),
    ],
)
def test_train_bad_input(short_gap, kwargs, error, match):
    (x, y), _ = short_gap
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    with pytest.raises(error, match=match):
        rv.train(params, x, y, **kwargs)


def test_train_wants_a_set_of_sequences():
    params = rv.init_params(3, 4, 2, seed=0)
    with pytest.raises(ValueError, match=r"x has shape \(5, 3\)"):
        rv.train(params, np.zeros((5, 3)), np.zeros(5, dtype=int))


def mostly_unscored(n_scored, m=200, seed=0):
    """The agreement task with every label of all but the first `n_scored` sentences set to -1."""
    x, y = rv.agreement(m, 2, seed=seed)
    y = y.copy()
    y[:, n_scored:] = -1
    return x, y


def test_batches_with_nothing_scored_are_drawn_again():
    x, y = mostly_unscored(5)  # with 4 of 200 sentences per batch, most batches score nothing
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    options = dict(steps=40, batch_size=4, learning_rate=0.05, seed=3)
    trained, h = rv.train(params, x, y, **options)
    assert h["diverged_at"] is None
    assert h["message"].startswith("finished 40 steps")
    assert len(h["loss"]) == len(h["accuracy"]) == 40
    assert np.isfinite(h["loss"]).all() and np.isfinite(h["accuracy"]).all()
    assert all(np.isfinite(v).all() for v in trained.values())
    _, again = rv.train(params, x, y, **options)  # the same seed draws the same batches
    assert np.array_equal(h["loss"], again["loss"])
    _, other = rv.train(params, x, y, **(options | {"seed": 4}))
    assert not np.array_equal(h["loss"], other["loss"])


def test_one_scored_sentence_and_batches_of_one():
    x, y = mostly_unscored(1)
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    _, h = rv.train(params, x, y, steps=5, batch_size=1, seed=0)
    assert h["diverged_at"] is None and np.isfinite(h["loss"]).all()
    # every step trains on the one scored sentence: its loss at step 0 is that sentence's loss
    loss, _ = rv.loss_and_grads(params, x[:, :1], y[:, :1])
    assert h["loss"][0] == pytest.approx(loss, rel=1e-12)


@pytest.mark.parametrize("n_scored", [200, 3])
def test_the_first_batch_is_the_first_draw_with_a_scored_label(n_scored):
    # batch_size sentences drawn with replacement from default_rng(seed); a draw that scores
    # nothing is replaced by the next one
    x, y = mostly_unscored(n_scored)
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        batch = rng.integers(0, x.shape[1], 8)
        while not (y[:, batch] >= 0).any():
            batch = rng.integers(0, x.shape[1], 8)
        loss, _ = rv.loss_and_grads(params, x[:, batch], y[:, batch])
        _, h = rv.train(params, x, y, steps=1, batch_size=8, seed=seed)
        assert h["loss"][0] == pytest.approx(loss, rel=1e-12)


def test_a_finite_blow_up_is_reported_as_diverged_at_its_step():
    # a huge step moves W_ya far enough that the loss at step 1 is finite but astronomical
    x, y = rv.agreement(100, 2, seed=0)
    params = rv.init_params(x.shape[-1], 8, 2, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, h = rv.train(params, x, y, steps=10, optimizer="sgd", learning_rate=1e200, seed=0)
    assert h["diverged_at"] == 1
    limit = re.escape(f"{rv.training.DIVERGED_LOSS:g}")
    match = re.fullmatch(
        rf"diverged at step 1: loss (\S+), above DIVERGED_LOSS = {limit}", h["message"]
    )
    assert match, h["message"]
    assert rv.training.DIVERGED_LOSS < float(match[1]) < np.inf
    assert len(h["loss"]) == 1 and np.isfinite(h["loss"][0]) and h["loss"][0] < 1


def test_the_run_stops_at_the_first_loss_above_the_limit(monkeypatch):
    x, y = rv.agreement(500, 10, seed=1)
    params = rv.init_params(x.shape[-1], 32, 2, weight_scale=2.0, seed=0)
    options = dict(steps=200, optimizer="sgd", learning_rate=0.1, activation="relu")
    _, free = rv.train(params, x, y, **options)
    first = int(np.argmax(free["loss"] > 1e3))
    assert free["loss"][first] > 1e3
    assert free["diverged_at"] is None or first < free["diverged_at"]
    monkeypatch.setattr(rv.training, "DIVERGED_LOSS", 1e3)
    _, limited = rv.train(params, x, y, **options)
    assert limited["diverged_at"] == first
    assert limited["message"].startswith(f"diverged at step {first}: loss ")
    assert np.array_equal(limited["loss"], free["loss"][:first])


@pytest.mark.parametrize(
    "loss, text",
    [
        (0.46, "0.4600"),
        (0.53654, "0.5365"),
        (3.49e-5, "0.0000"),
        (-0.0, "0.0000"),
        (1.0, "1"),
        (97.7, "97.7"),
        (15320.234375, "1.532e+04"),
        (4.496775744356765e62, "4.497e+62"),
        (1.7e308, "1.7e+308"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
    ],
)
def test_losses_are_formatted_to_4_significant_digits(loss, text):
    assert rv.training.format_loss(loss) == text


def test_a_huge_final_loss_is_printed_to_4_significant_digits():
    # linear units with a loose clip: the loss grows large and stays large without overflowing
    x, y = rv.agreement(500, 10, seed=1)
    params = rv.init_params(x.shape[-1], 32, 2, weight_scale=2.0, seed=0)
    _, h = rv.train(
        params, x, y, steps=200, optimizer="sgd", learning_rate=0.1, activation="linear",
        clip_method="norm", clip_threshold=1000.0,
    )  # fmt: skip
    assert h["diverged_at"] is None and h["loss"][-1] > 1e10
    # at most 4 significant digits (trailing zeros dropped), rounded, not cut
    match = re.fullmatch(r"finished 200 steps, final loss (\d(\.\d{1,3})?e\+\d\d)", h["message"])
    assert match, h["message"]
    assert float(match[1]) == pytest.approx(h["loss"][-1], rel=5e-4)


PARAMS = rv.init_params(18, 8, 2, seed=0)


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"seed": -1}, ValueError, "seed == -1, must be >= 0"),
        ({"seed": 1.5}, TypeError, "seed == 1.5, must be an integer"),
        ({"seed": "abc"}, TypeError, "seed == 'abc'"),
        ({"record_at": 5}, TypeError, "record_at == 5, must be a collection"),
        ({"record_at": "0"}, TypeError, "record_at == '0'"),
        ({"record_at": (0, 20)}, ValueError, r"record_at\[1\] == 20, must be <= 19"),
        ({"record_at": (-1,)}, ValueError, r"record_at\[0\] == -1, must be >= 0"),
        ({"record_at": (2.0,)}, TypeError, r"record_at\[0\] == 2.0, must be an integer"),
        ({"batch_size": 10**9}, ValueError, "batch_size == 1000000000, must be <= 100,000"),
        ({"batch_size": 0}, ValueError, "batch_size == 0"),
        ({"activation": "softplus"}, ValueError, "activation == 'softplus'"),
        ({"params": [1, 2]}, TypeError, "params must be a dict"),
        ({"params": {"W_aa": 1}}, ValueError, r"params has keys \['W_aa'\]"),
        (
            {"params": PARAMS | {"b_a": np.zeros(9)}},
            ValueError,
            r"params\['b_a'\] has shape \(9,\)",
        ),
        ({"params": PARAMS | {"b_a": [0.0] * 8}}, TypeError, r"params\['b_a'\] must be an ndarray"),
        (
            {"params": PARAMS | {"W_aa": PARAMS["W_aa"] + 0j}},
            TypeError,
            r"params\['W_aa'\] has complex",
        ),
        (
            {"params": PARAMS | {"momentum": np.zeros(8)}},
            ValueError,
            r"params has keys \['momentum'\]",
        ),
        ({"x": lambda x: x + 0j}, TypeError, "x has complex dtype"),
        ({"x": lambda x: x.astype(object)}, TypeError, "x must hold real numbers"),
        ({"y": lambda y: y + 0j}, TypeError, "y has complex dtype"),
        ({"y": lambda y: y.astype(object)}, TypeError, "y must hold real numbers"),
        (
            {"x": lambda x: x[..., :5]},
            ValueError,
            r"x has shape \(4, 50, 5\), its last axis must be n_x == 18",
        ),
        ({"x": lambda x: x[:, :0]}, ValueError, r"N \(x.shape\[1\]\) == 0"),
    ],
)
def test_train_bad_argument_is_named(change, error, match):
    x, y = rv.agreement(50, 1, seed=0)
    arguments = {"params": PARAMS, "x": x, "y": y, "steps": 20}
    for name, value in change.items():
        arguments[name] = value(arguments[name]) if callable(value) else value
    with pytest.raises(error, match=match):
        rv.train(**arguments)


@pytest.mark.parametrize(
    "shape, batch_size, match",
    [
        ((13, 50, 18), 10**9, "batch_size == 1000000000"),
        ((1000, 50, 18), 100_000, r"batches of 100,000 sequences of T = 1,000 .* GiB at once"),
        ((10_001, 1, 18), 1, r"T \(x.shape\[0\]\) == 10001, must be <= 10,000"),
    ],
)
def test_a_run_too_large_is_refused_before_anything_is_allocated(shape, batch_size, match):
    x, y = np.zeros(shape), np.zeros(shape[:2], dtype=int)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match):
            rv.train(PARAMS, x, y, batch_size=batch_size, steps=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2.0
    assert peak < 10 * 2**20  # bytes: nothing of the size of a batch
