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
