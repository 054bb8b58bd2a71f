import numpy as np
import pytest

import rnnviz as rv
from rnnviz import exercises as ex


def test_reference_solutions_pass_their_checks():
    assert rv.check_backward_step(ex.backward_step_solution).ok
    assert rv.check_clip(ex.clip_solution).ok
    assert rv.check_nonnormal(ex.nonnormal_solution()).ok
    assert rv.check_gru_step(ex.gru_step_solution).ok


def test_backward_step_mistakes_get_specific_feedback():
    def no_recurrence(da_t, dz_next, a_t, W_aa):
        return da_t, da_t * (1 - a_t**2)

    def not_transposed(da_t, dz_next, a_t, W_aa):
        da = da_t + W_aa @ dz_next
        return da, da * (1 - a_t**2)

    def no_derivative(da_t, dz_next, a_t, W_aa):
        da = da_t + W_aa.T @ dz_next
        return da, da

    def stub(da_t, dz_next, a_t, W_aa):
        raise NotImplementedError

    cases = {
        no_recurrence: "W_aa.T @ dz_next",
        not_transposed: "transposed",
        no_derivative: "1 - a<t>",
        stub: "NotImplementedError",
        (lambda *args: None): "two arrays",
        (lambda *args: 1 / 0): "ZeroDivisionError",
    }
    for fn, phrase in cases.items():
        feedback = rv.check_backward_step(fn)
        assert not feedback.ok
        assert phrase in feedback.message, (phrase, feedback.message)
        assert repr(feedback).startswith("Not yet.")


def test_clip_mistakes_get_specific_feedback():
    def by_value(grads, max_norm):
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, ex.global_norm(grads)

    def in_place(grads, max_norm):
        total = ex.global_norm(grads)
        if total > max_norm:
            for g in grads.values():
                g *= max_norm / total
        return grads, total

    def one_array_norm(grads, max_norm):
        total = float(np.linalg.norm(grads["W_aa"]))
        return ex.clip_solution(grads, max_norm)[0], total

    for fn, phrase in (
        (by_value, "by value"),
        (in_place, "in place"),
        (one_array_norm, "one array"),
    ):
        feedback = rv.check_clip(fn)
        assert not feedback.ok and phrase in feedback.message, feedback.message


def test_gru_step_with_swapped_update_gate_is_diagnosed():
    def swapped(a_prev, x_t, params):
        z = np.concatenate([a_prev, x_t])
        r = 1 / (1 + np.exp(-(params["W_r"] @ z + params["b_r"])))
        u = 1 / (1 + np.exp(-(params["W_u"] @ z + params["b_u"])))
        c = np.tanh(params["W_c"] @ np.concatenate([r * a_prev, x_t]) + params["b_c"])
        return (1 - u) * c + u * a_prev

    feedback = rv.check_gru_step(swapped)
    assert not feedback.ok and "swapped" in feedback.message


def test_nonnormal_feedback():
    assert "<= 1" in rv.check_nonnormal(0.5 * np.eye(3)).message
    assert "spectral radius" in rv.check_nonnormal(2 * np.eye(2)).message
    assert "square" in rv.check_nonnormal(np.ones((2, 3))).message
    assert not rv.check_nonnormal(...).ok
    slow = rv.check_nonnormal(np.array([[0.99, 0.2], [0.0, 0.99]]))
    assert not slow.ok and "has not shrunk" in slow.message


def test_numeric_answers():
    assert rv.check_answer("vanishing_factor", 0.9**49).ok
    assert rv.check_answer("exploding_factor", 1.1**49).ok
    assert rv.check_answer("float32_overflow_steps", 128).ok
    assert rv.check_answer("tanh_sigmoid_steps", np.log(1e-6) / np.log(0.25)).ok
    assert rv.check_answer("exploding_factor", 107).ok  # as printed, three digits
    assert "whole number" in rv.check_answer("float32_overflow_steps", np.log2(3.4e38)).message
    assert not rv.check_answer("float32_overflow_steps", 127).ok
    assert rv.check_answer("clip_factor", 0.1).ok
    wrong = rv.check_answer("vanishing_factor", 0.9**50 * 0.5)
    assert not wrong.ok and "too small" in wrong.message
    upside_down = rv.check_answer("vanishing_factor", 0.9**-49)
    assert "reciprocal" in upside_down.message
    assert "Replace" in rv.check_answer("vanishing_factor", ...).message
    assert "number" in rv.check_answer("vanishing_factor", "a lot").message
    with pytest.raises(ValueError, match="question == 'nope'"):
        rv.check_answer("nope", 1)


def test_finite_difference_check_finds_agreement_and_a_planted_bug(monkeypatch):
    params = rv.init_params(3, 5, 2, seed=0)
    x, y = rv.agreement(4, 2, seed=0)
    x = np.random.default_rng(0).standard_normal((5, 4, 3))
    y = np.random.default_rng(1).integers(0, 2, (5, 4))
    errors = rv.finite_difference_check(params, x, y)
    assert set(errors) == set(params) and max(errors.values()) < 1e-6
    real = ex.loss_and_grads

    def buggy(*args, **kwargs):
        loss, grads = real(*args, **kwargs)
        grads["W_aa"] = grads["W_aa"] * 1.01
        return loss, grads

    monkeypatch.setattr(ex, "loss_and_grads", buggy)
    assert rv.finite_difference_check(params, x, y)["W_aa"] > 1e-3


def test_show_solution_prints_source(capsys):
    rv.show_solution("clip")
    assert "def clip_solution" in capsys.readouterr().out
    rv.show_solution("vanishing_factor")
    assert "0.005726" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name == 'x'"):
        rv.show_solution("x")
