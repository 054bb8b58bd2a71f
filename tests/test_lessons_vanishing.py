import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz as rv
from rnnviz.lessons import vanishing as lv


def _sequence(T, n_x=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, n_x)), int(rng.integers(2))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear"])
def test_untied_with_tied_weights_is_the_rnn(activation):
    params = rv.init_params(3, 6, 2, weight_scale=1.2, seed=1)
    x, label = _sequence(15)
    y = np.full(15, -1)
    y[-1] = label
    tied = np.repeat(params["W_aa"][None], 15, axis=0)
    expected = rv.gradient_norms(params, x, y, activation=activation)
    got = lv.untied_gradient_norms(params, tied, x, label, activation=activation)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_untied_matches_finite_differences_of_the_state():
    # dL/da<k> for the untied network: perturb a<k> by running the rest of the network
    params = rv.init_params(3, 4, 2, seed=2)
    x, label = _sequence(6, seed=3)
    rng = np.random.default_rng(4)
    weights = np.stack([rv.random_orthogonal(4, rng) * 1.1 for _ in range(6)])

    def loss_from(k, a_k):  # run steps k+1..T from a<k> (0-based k)
        a = a_k
        for t in range(k + 1, 6):
            a = np.tanh(weights[t] @ a + params["W_ax"] @ x[t] + params["b_a"])
        return -np.log(rv.softmax(params["W_ya"] @ a + params["b_y"])[label])

    a = np.zeros(4)
    states = []
    for t in range(6):
        a = np.tanh(weights[t] @ a + params["W_ax"] @ x[t] + params["b_a"])
        states.append(a)
    eps = 1e-6
    numeric = [
        np.linalg.norm(
            [
                (loss_from(k, states[k] + eps * e) - loss_from(k, states[k] - eps * e)) / (2 * eps)
                for e in np.eye(4)
            ]
        )
        for k in range(6)
    ]
    got = lv.untied_gradient_norms(params, weights, x, label)
    np.testing.assert_allclose(got, numeric, rtol=1e-6)


def test_untied_rejects_wrong_shapes():
    params = rv.init_params(3, 4, 2, seed=0)
    x, label = _sequence(5)
    with pytest.raises(ValueError, match="weights has shape"):
        lv.untied_gradient_norms(params, np.zeros((4, 4, 4)), x, label)
    with pytest.raises(ValueError, match="one sequence"):
        lv.untied_gradient_norms(params, np.zeros((5, 4, 4)), np.zeros((5, 2, 3)), label)


def test_nearest_noun_accuracy():
    # with no clause the nearest noun is the subject; with many attractors it is a coin toss
    x, y = rv.agreement(400, 0, seed=0)
    assert lv.nearest_noun_accuracy(x, y) == 1.0
    x, y = rv.agreement(2000, 12, attractors=0.5, seed=0)
    assert 0.45 < lv.nearest_noun_accuracy(x, y) < 0.56
    x, y = rv.agreement(300, 12, attractors=0.0, seed=0)
    assert lv.nearest_noun_accuracy(x, y) == 1.0


def test_train_runs_accuracies_and_flags():
    runs = lv.train_runs([1, 2], [0, 1], steps=20, n_train=50, n_test=50)
    assert list(runs) == [1, 2] and all(len(v) == 2 for v in runs.values())
    params, acc = runs[2][1]
    setup = lv.SETUP | lv.OPTIMIZER_SETTINGS["sgd"] | dict(steps=20, n_train=50, n_test=50)
    assert acc == rv.experiments.train_agreement(2, 1, **setup)[1]
    assert params["W_aa"].shape == (16, 16)
    table = lv.run_accuracies(runs)
    assert table[2][1] == acc and all(0 <= a <= 1 for v in table.values() for a in v)
    assert lv.success_flags([0.95, 0.5, 0.9]) == [1.0, 0.0, 1.0]
    assert lv.success_flags([0.8], threshold=0.75) == [1.0]
    with pytest.raises(ValueError, match="threshold == 2.0"):
        lv.success_flags([0.5], threshold=2.0)


def test_figures():
    fig = lv.plot_unrolled_rnn(3)
    assert isinstance(fig, go.Figure)
    texts = [t for trace in fig.data if trace.text is not None for t in trace.text]
    assert "a&lt;0&gt;" in texts and "ŷ&lt;3&gt;" in texts and "x&lt;1&gt;" in texts
    dashes = {trace.line.dash for trace in fig.data if trace.mode == "lines+markers"}
    assert dashes == {"solid", "dash"}  # forward and backward differ by more than colour
    with pytest.raises(ValueError, match="T == 20"):
        lv.plot_unrolled_rnn(20)

    fig = lv.plot_curves({"a<k>": ([1, 2, 3], [1.0, 0.1, 0.0]), "b": ([1, 2], [np.inf, 2.0])},
                         title="t")  # fmt: skip
    assert fig.layout.yaxis.type == "log" and "log scale" in fig.layout.yaxis.title.text
    assert np.isnan(fig.data[0].y[2]) and np.isnan(fig.data[1].y[0])
    assert fig.data[0].line.dash != fig.data[1].line.dash
    assert fig.data[0].name == "a&lt;k&gt;"
    with pytest.raises(ValueError, match="non-empty dict"):
        lv.plot_curves({}, title="t")


def test_plot_connectivity_marked():
    C = np.tril(np.ones((6, 6)))
    fig = lv.plot_connectivity_marked(C, title="a map", column=2, label="x<2>: the noun")
    assert isinstance(fig, go.Figure) and fig.data[0].type == "heatmap"
    outlines = [s for s in fig.layout.shapes if s.type == "rect" and s.x0 == 1.5 and s.x1 == 2.5]
    assert len(outlines) == 2  # a white dashed line over a black one: visible on any colour
    assert {s.line.color for s in outlines} == {"black", "white"}
    assert all(s.y0 == 1.5 and s.y1 == 6.5 for s in outlines)  # from the diagonal down
    note = fig.layout.annotations[-1]
    assert note.text == "x&lt;2&gt;: the noun" and (note.x, note.y) == (2, 1.5)
    assert list(fig.layout.yaxis.range) == [6.5, 0.5]  # row t = 1 at the top
    assert fig.layout.margin.t >= 90  # the title clears plotly's mode bar
    with pytest.raises(ValueError, match="column == 7"):
        lv.plot_connectivity_marked(C, title="a map", column=7, label="k")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_state_influence_matches_finite_differences(activation):
    params = rv.init_params(3, 5, 2, weight_scale=0.9, seed=6)
    x, _ = _sequence(7, seed=7)
    a0 = np.random.default_rng(8).standard_normal(5) * 0.3
    t, eps = 5, 1e-6

    def state(xs):
        return rv.rnn_forward(params, xs, a0, activation=activation)[0][t - 1]

    numeric = []
    for k in range(t):
        columns = []
        for e in np.eye(3):
            up, down = x.copy(), x.copy()
            up[k] += eps * e
            down[k] -= eps * e
            columns.append((state(up) - state(down)) / (2 * eps))
        numeric.append(np.linalg.norm(columns))
    got = lv.state_influence(params, x, t, a0, activation=activation)
    assert got.shape == (t,)
    np.testing.assert_allclose(got, numeric, rtol=1e-6)


def test_state_influence_checks_its_arguments():
    params = rv.init_params(3, 4, 2, seed=0)
    x, _ = _sequence(5)
    with pytest.raises(ValueError, match="t == 6"):
        lv.state_influence(params, x, 6)
    with pytest.raises(ValueError, match="one sequence"):
        lv.state_influence(params, np.zeros((5, 2, 3)), 2)


def test_train_runs_checks_the_optimizer():
    with pytest.raises(ValueError, match="optimizer == 'rmsprop'"):
        lv.train_runs([2], [0], optimizer="rmsprop")


def test_gradient_errors_tell_a_right_gradient_from_a_transposed_one():
    params = rv.init_params(3, 4, 2, seed=0)
    x, y = np.eye(3)[[0, 2, 1, 2]], np.array([1, 0, 0, 1])
    _, grads = rv.loss_and_grads(params, x, y)
    assert lv.gradient_errors(params, x, y, "W_aa", grads["W_aa"]).max() < 1e-6
    wrong = lv.gradient_errors(params, x, y, "W_aa", grads["W_aa"].T)
    assert np.diag(wrong).max() < 1e-6  # a transpose keeps the diagonal
    assert (wrong[~np.eye(4, dtype=bool)] > 0.1).all()
    with pytest.raises(ValueError, match="name == 'W_xx', must be one of W_aa"):
        lv.gradient_errors(params, x, y, "W_xx", grads["W_aa"])
    with pytest.raises(ValueError, match=r"grad has shape \(3,\)"):
        lv.gradient_errors(params, x, y, "b_a", np.zeros(3))
