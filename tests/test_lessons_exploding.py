import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz as rv
from rnnviz.lessons import exploding as le
from rnnviz.training import why_diverged


def test_first_nonfinite_step():
    a = np.zeros((5, 3))
    assert le.first_nonfinite_step(a) is None
    a[3, 1] = np.inf
    a[4, 0] = np.nan
    assert le.first_nonfinite_step(a) == 4
    b = np.ones((4, 2, 3))  # a batch: any sequence counts
    b[1, 1, 2] = np.nan
    assert le.first_nonfinite_step(b) == 2


def test_float32_overflows_before_float64():
    # ||a<t>|| = 2^t exactly for a linear RNN with W_aa = 2 Q and no input
    first = {}
    for dtype in ("float32", "float64"):
        params = rv.init_params(1, 4, 2, weight_scale=2.0, seed=0, dtype=dtype)
        a, _ = rv.forward(params, np.zeros((1100, 1)), np.full(4, 0.5), activation="linear")
        first[dtype] = le.first_nonfinite_step(a)
    assert 126 <= first["float32"] <= 130
    assert 1020 <= first["float64"] <= 1026


def test_agreement_with_nearby_noun():
    x, y, agrees = le.agreement_with_nearby_noun(4000, 12, agree=0.8, near=3, seed=0)
    assert x.shape == (15, 4000, len(rv.AGREEMENT_VOCAB)) and y.shape == (15, 4000)
    assert np.all(y[:-1] == -1) and set(np.unique(y[-1])) == {0, 1}
    tokens = x.argmax(axis=-1)
    nouns = [rv.AGREEMENT_VOCAB.index(w) for w in ("cat", "dog", "bird", "cats", "dogs", "birds")]
    assert np.isin(tokens[-3], nouns).all()  # the nearby noun sits 3 words before the end
    cue_plural = tokens[-3] >= nouns[3]
    np.testing.assert_array_equal(cue_plural == (y[-1] == 1), agrees)
    assert 0.77 < agrees.mean() < 0.83
    # the subject is unchanged: the same as the plain task's
    x0, y0 = rv.agreement(4000, 12, seed=0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(x[:-3], x0[:-3])
    again = le.agreement_with_nearby_noun(4000, 12, agree=0.8, near=3, seed=0)
    np.testing.assert_array_equal(again[0], x)


def test_agreement_with_nearby_noun_checks_its_arguments():
    with pytest.raises(ValueError, match="near == 5, must be <= gap == 4"):
        le.agreement_with_nearby_noun(10, 4, near=5)
    with pytest.raises(ValueError, match="agree == 1.5"):
        le.agreement_with_nearby_noun(10, 4, agree=1.5)


@pytest.mark.parametrize(("n", "sigma", "rho"), [(2, 1.2, 0.5), (8, 1.5, 0.8), (32, 3.0, 0.5)])
def test_nonnormal_matrix(n, sigma, rho):
    W = le.nonnormal_matrix(n, sigma_max=sigma, spectral_radius=rho, seed=1)
    assert W.shape == (n, n)
    assert rv.sigma_max(W) == pytest.approx(sigma, rel=1e-9)
    assert rv.spectral_radius(W) < rho + 0.05
    assert np.linalg.norm(np.linalg.matrix_power(W, 400), 2) < 1e-6  # powers vanish
    assert np.linalg.norm(np.linalg.matrix_power(W, 60), 2) < 0.1  # within the exercise's 60
    if n == 2:  # the exercise of notebook 03 asks for a 2 x 2 matrix
        assert rv.check_nonnormal(W).ok


def test_nonnormal_matrix_checks_its_arguments():
    with pytest.raises(ValueError, match="sigma_max == 0.5, must be >= spectral_radius == 0.8"):
        le.nonnormal_matrix(4, sigma_max=0.5, spectral_radius=0.8)


def _one_unit_params(w, b, v=2.0):
    return {
        "W_aa": np.array([[w]]),
        "W_ax": np.zeros((1, 1)),
        "b_a": np.array([b]),
        "W_ya": np.array([[v], [-v]]),
        "b_y": np.zeros(2),
    }


@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize(("w", "b"), [(1.5, -0.1), (0.7, 0.05), (1.29, -0.1), (-2.0, 0.3)])
def test_one_unit_rnn_matches_the_package(w, b, label):
    T, a0 = 30, 0.5
    y = np.full(T, -1)
    y[-1] = label
    loss, grads = rv.loss_and_grads(_one_unit_params(w, b), np.zeros((T, 1)), y, a0=np.array([a0]))
    r = le.one_unit_rnn(w, b, T=T, a0=a0, label=label)
    assert float(r["loss"]) == pytest.approx(loss, rel=1e-10)
    assert float(r["dw"]) == pytest.approx(grads["W_aa"][0, 0], rel=1e-8, abs=1e-14)
    assert float(r["db"]) == pytest.approx(grads["b_a"][0], rel=1e-8, abs=1e-14)


def test_one_unit_rnn_is_vectorised_and_has_a_cliff():
    w = np.linspace(0.0, 2.5, 501)
    r = le.one_unit_rnn(w, -0.1, T=50, a0=0.5, label=1)
    assert r["loss"].shape == w.shape
    # low on the left, high on the right, with a jump of > 1.5 between two grid points (0.005)
    assert r["loss"][:200].max() < 0.6 and r["loss"][-100:].min() > 3.0
    assert np.abs(np.diff(r["loss"])).max() > 1.5
    grid = le.one_unit_rnn(w[:, None], np.array([-0.1, 0.0, 0.1]))
    assert grid["loss"].shape == (501, 3)
    np.testing.assert_allclose(grid["loss"][:, 0], r["loss"])


def test_one_unit_rnn_gradient_by_finite_differences():
    eps = 1e-6
    for w, b in [(0.9, -0.05), (1.2, -0.1)]:
        r = le.one_unit_rnn(w, b)
        dw = (le.one_unit_rnn(w + eps, b)["loss"] - le.one_unit_rnn(w - eps, b)["loss"]) / 2 / eps
        db = (le.one_unit_rnn(w, b + eps)["loss"] - le.one_unit_rnn(w, b - eps)["loss"]) / 2 / eps
        assert float(r["dw"]) == pytest.approx(float(dw), rel=1e-5)
        assert float(r["db"]) == pytest.approx(float(db), rel=1e-5)


def test_descend_one_unit_unclipped_flies_off_clipped_stays():
    options = dict(b=-0.1, learning_rate=0.3, steps=20)
    w_free, loss_free = le.descend_one_unit(0.5, **options)
    w_clip, loss_clip = le.descend_one_unit(0.5, clip_threshold=1.0, **options)
    assert w_free.shape == loss_free.shape == (21,)
    assert np.abs(np.diff(w_free)).max() > 3  # one step jumps far
    assert np.abs(np.diff(w_clip)).max() <= 0.3 + 1e-12  # learning_rate * clip_threshold
    assert w_clip.min() > 0.4 and w_clip.max() < 1.5
    np.testing.assert_allclose(loss_free[0], le.one_unit_rnn(0.5, -0.1)["loss"])
    # both agree while the gradient is below the threshold
    small = np.abs(np.diff(w_free)) / 0.3 <= 1.0
    first_big = int(np.argmin(small))
    np.testing.assert_allclose(w_free[: first_big + 1], w_clip[: first_big + 1])


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_weight_gradient_by_step_sums_to_dW_aa(activation):
    params = rv.init_params(3, 5, 2, weight_scale=0.9, seed=3)
    rng = np.random.default_rng(0)
    T = 12
    x = rng.standard_normal((T, 3))
    y = np.full(T, -1)
    y[-1] = 1
    a0 = rng.standard_normal(5)
    out = le.weight_gradient_by_step(params, x, y, a0, activation=activation)
    a, cache = rv.forward(params, x, a0, activation=activation)
    dz = out["grads"]["a"] * rv.get_activation(activation).dg(cache["z"][:, 0], a)
    a_prev = np.vstack([a0, a[:-1]])
    terms = [np.outer(dz[k], a_prev[k]) for k in range(T)]
    np.testing.assert_allclose(sum(terms), out["grads"]["W_aa"], atol=1e-12)
    np.testing.assert_allclose(out["W_aa_terms"], [np.linalg.norm(t) for t in terms], rtol=1e-10)
    np.testing.assert_allclose(
        out["grad_norm"], rv.gradient_norms(params, x, y, a0, activation=activation), rtol=1e-12
    )


def test_weight_gradient_by_step_takes_one_sequence():
    params = rv.init_params(3, 5, 2, seed=0)
    with pytest.raises(ValueError, match="one sequence"):
        le.weight_gradient_by_step(params, np.zeros((4, 2, 3)), np.zeros((4, 2), dtype=int))


def test_angle():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([0.0])}
    assert le.angle(g, g) == pytest.approx(0.0, abs=1e-6)
    assert le.angle(g, {"a": np.array([0.0, 1.0]), "b": np.array([0.0])}) == pytest.approx(90.0)
    assert le.angle(g, {k: -2 * v for k, v in g.items()}) == pytest.approx(180.0)
    clipped, _ = rv.clip_by_global_norm(g, 1.0)
    assert le.angle(g, clipped) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="same keys"):
        le.angle(g, {"a": np.zeros(2)})


def test_figures():
    w = np.linspace(0, 2, 50)
    r = le.one_unit_rnn(w, -0.1)
    paths = {"free": le.descend_one_unit(0.5, -0.1, learning_rate=0.3, steps=5)}
    fig = le.plot_cliff(w, r["loss"], paths, wall=1.29)
    assert isinstance(fig, go.Figure) and len(fig.data) == 2
    assert [a.text for a in fig.layout.annotations][-1] == "wall, w = 1.29"
    assert fig.layout.annotations[0].text.startswith("free: ends at w = ")
    assert fig.layout.xaxis.title.text == "recurrent weight w"
    assert "log scale" in fig.layout.yaxis.title.text
    hist = le.plot_norm_histogram(np.array([0.1, 0.2, 0.3, np.inf]), {"median": 0.2, "low": 0.01})
    assert len(hist.data) == 3 and "log scale" in hist.layout.xaxis.title.text
    assert min(hist.layout.xaxis.tickvals) <= np.log10(0.01)


def _history(loss, grad_norm, clipped=None, diverged_at=None):
    return {
        "loss": np.asarray(loss, dtype=float),
        "grad_norm": np.asarray(grad_norm, dtype=float),
        "clipped": np.asarray(clipped if clipped is not None else [False] * len(loss)),
        "diverged_at": diverged_at,
    }


def test_plot_runs_shows_the_range_and_marks_values_above_it():
    runs = {
        "explodes": _history([0.9, 0.5, 3.0, 1e39], [5.0, 1.0, 60.0, 5e37], diverged_at=4),
        "steady": _history([0.9, 0.8, 0.7, 0.6], [1.0, 0.9, 0.8, 0.7]),
    }
    fig = le.plot_runs(runs, title="t", loss_range=(0.2, 20), norm_range=(0.3, 100))
    assert fig.layout.yaxis.range == pytest.approx((np.log10(0.2), np.log10(20)))
    assert fig.layout.yaxis2.range == pytest.approx((np.log10(0.3), 2.0))
    assert list(fig.layout.yaxis.tickvals) == [0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
    above = [t for t in fig.data if t.name == "explodes: above the scale"]
    assert [(t.yaxis, list(t.x), list(t.y), list(t.customdata)) for t in above] == [
        ("y", [3], [20.0], [1e39]),
        ("y2", [3], [100.0], [5e37]),
    ]
    assert not [t for t in fig.data if t.name == "steady: above the scale"]
    marks = [t for t in fig.data if t.mode == "markers+text"]  # the diverged marks
    assert len(marks) == 2 and all(t.y[0] <= 100.0 for t in marks)
    assert [t for t in fig.data if t.name == "above the scale" and t.showlegend is not False]
    # no run was clipped: the right panel does not speak of clipping
    titles = [a.text for a in fig.layout.annotations]
    assert "Gradient norm" in titles and not any("clipping" in t for t in titles)
    # each run in its STYLES colour and dash, the same as plot_norm_histogram's markers
    lines = [t for t in fig.data if t.mode == "lines"]
    hist = le.plot_norm_histogram(np.array([0.5, 1.0]), {"a": 0.1, "b": 1.0})
    for i, label in enumerate(runs):
        color, dash, _ = le.STYLES[i]
        assert {(t.line.color, t.line.dash) for t in lines if t.legendgroup == label} == {
            (le.COLORS[color], dash)
        }
        assert (hist.data[1 + i].line.color, hist.data[1 + i].line.dash) == (le.COLORS[color], dash)


def test_plot_runs_without_ranges_keeps_the_data_and_enlarges_clip_markers():
    runs = {"clipped": _history([0.9, 0.5, 0.4], [5.0, 2.0, 0.1], clipped=[True, True, False])}
    fig = le.plot_runs(runs, title="t")
    assert fig.layout.yaxis.range is None and fig.layout.yaxis2.range is None
    assert not [t for t in fig.data if "above the scale" in (t.name or "")]
    (markers,) = [t for t in fig.data if t.name == "clipped: clipped"]
    assert list(markers.x) == [0, 1] and markers.marker.size >= 10
    assert markers.marker.symbol.endswith("-open")
    assert "Gradient norm before clipping" in [a.text for a in fig.layout.annotations]


def test_nudge_changes_every_weight_by_about_the_given_size():
    params = rv.init_params(18, 8, 2, seed=0)
    nudged = le.nudge(params, 1e-7, seed=1)
    assert set(nudged) == set(params)
    for k, v in params.items():
        assert nudged[k].dtype == v.dtype
        if v.any():  # the biases start at 0, and stay there
            rel = np.abs(nudged[k] - v)[v != 0] / np.abs(v[v != 0])
            assert 1e-9 < rel.max() < 1e-6
    assert not np.array_equal(le.nudge(params, 1e-7, seed=2)["W_aa"], nudged["W_aa"])
    assert all(np.array_equal(le.nudge(params, 0.0)[k], v) for k, v in params.items())
    with pytest.raises(ValueError, match="size"):
        le.nudge(params, -1.0)


@pytest.mark.parametrize(
    "diverged_at, final, words",
    [
        (51, np.nan, "NaN at step 51"),
        (None, 0.01, "learned the task"),
        (None, 0.70, "at chance"),
        (None, 0.60, "at chance"),
        (None, 2.5, "final loss 2.5"),
    ],
)
def test_outcome_describes_a_run_in_words(diverged_at, final, words):
    history = {"diverged_at": diverged_at, "loss": np.array([0.9, final])}
    assert words in le.outcome(history)


@pytest.mark.parametrize(
    "message, words",
    [
        ("diverged at step 2: " + why_diverged(1e151, 1.0), "blew up at step 2"),
        ("diverged at step 2: the update overflowed the parameters", "blew up at step 2"),
        ("diverged at step 2: " + why_diverged(np.nan, np.nan), "NaN at step 2"),
    ],
)
def test_outcome_calls_a_finite_blow_up_no_nan(message, words):
    history = {"diverged_at": 2, "loss": np.array([0.9, 1e140]), "message": message}
    assert le.outcome(history) == words


def test_nudge_names_a_bad_seed():
    params = rv.init_params(2, 3, 2, seed=0)
    with pytest.raises(TypeError, match="seed == 'x', must be an integer"):
        le.nudge(params, 1e-12, seed="x")
