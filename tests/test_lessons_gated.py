import numpy as np
import pytest
from jsviews import derive

import rnnviz as rv
from rnnviz.lessons import gated as lg


def init_cell(cell, seed=0, **options):
    """Parameters as the harness makes them, in float64 and the library's biases by default."""
    return rv.experiments.initial_params(cell, seed, **options)


def _sentences(T=12, m=5, seed=0):
    x, y = rv.agreement(m, T - 3, attractors=0.3, seed=seed)
    return x, y[-1]


# --- parameters and gates --------------------------------------------------------------------


def test_initial_params_set_the_gate_biases():
    gru = init_cell("gru", update_bias=-3.0, seed=1)
    lstm = init_cell("lstm", forget_bias=2.5, seed=1)
    rnn = init_cell("rnn", seed=1)
    assert np.all(gru["b_u"] == -3.0) and np.all(gru["b_r"] == 0.0)
    assert np.all(lstm["b_f"] == 2.5) and np.all(lstm["b_u"] == 0.0)
    np.testing.assert_allclose(rnn["W_aa"].T @ rnn["W_aa"], np.eye(16), atol=1e-12)
    assert init_cell("lstm", dtype="float32")["W_c"].dtype == np.float32


def test_initial_params_reject_an_unknown_cell():
    with pytest.raises(ValueError, match="cell == 'rnn2'"):
        init_cell("rnn2")


def test_keep_factors_are_the_gates_of_the_first_step():
    x, _ = _sentences()
    for cell, gate in (("gru", "u"), ("lstm", "f")):
        params = init_cell(cell, update_bias=-1.0, forget_bias=1.5, seed=2)
        keep = lg.keep_factors(params, x)
        assert keep.shape == (12, 5, 16)
        W, b = params[f"W_{gate}"], params[f"b_{gate}"]
        first = rv.sigmoid(x[0] @ W[:, 16:].T + b)  # a<0> = 0: only x<1> and the bias
        expected = 1.0 - first if cell == "gru" else first
        np.testing.assert_allclose(keep[0], expected, rtol=1e-12)
        assert lg.keep_factors(params, x[:, 0]).shape == (12, 16)


def test_keep_factors_follow_the_bias():
    x, _ = _sentences()
    keeping = lg.keep_factors(init_cell("gru", update_bias=-6.0), x)
    updating = lg.keep_factors(init_cell("gru", update_bias=6.0), x)
    assert keeping.min() > 0.95 and updating.max() < 0.05


def test_keep_factors_reject_the_basic_rnn():
    with pytest.raises(ValueError, match="no gate"):
        lg.keep_factors(init_cell("rnn"), _sentences()[0])


# --- the gradient through time ---------------------------------------------------------------


@pytest.mark.parametrize("cell", lg.CELLS)
@pytest.mark.parametrize("batched", [True, False])
def test_path_gradient_norms_match_gradient_norms(cell, batched):
    x, numbers = _sentences(seed=3)
    params = init_cell(cell, seed=4, update_bias=-1.0, forget_bias=2.0)
    if not batched:
        x, numbers = x[:, 0], int(numbers[0])
    y = np.full(x.shape[:-1], -1)
    y[-1] = numbers
    got = lg.path_gradient_norms(params, x, numbers)
    np.testing.assert_allclose(got["a"], rv.gradient_norms(params, x, y), rtol=1e-10)
    assert (got["c"] is None) == (cell != "lstm")


def test_lstm_cell_gradient_matches_finite_differences():
    # dL/dc<k> for k < T: perturb c<k>, recompute a<k> = Gamma_o<k> * tanh(c<k>) from it, and
    # run the rest of the sentence from there
    x, numbers = _sentences(T=7, m=1, seed=5)
    x, label = x[:, 0], int(numbers[0])
    params = init_cell("lstm", seed=6, forget_bias=1.0)
    _, cache = rv.lstm_forward(params, x)
    c, gamma_o = cache["c"][:, 0], cache["gates"][2][:, 0]

    def loss_from(k, c_k):
        a_k = gamma_o[k] * np.tanh(c_k)
        rest, _ = rv.lstm_forward(params, x[k + 1 :], a0=a_k, c0=c_k)
        return -np.log(rv.softmax(params["W_ya"] @ rest[-1] + params["b_y"])[label])

    eps = 1e-6
    numeric = [
        np.linalg.norm(
            [
                (loss_from(k, c[k] + eps * e) - loss_from(k, c[k] - eps * e)) / (2 * eps)
                for e in np.eye(16)
            ]
        )
        for k in range(6)
    ]
    got = lg.path_gradient_norms(params, x, label)["c"]
    np.testing.assert_allclose(got[:6], numeric, rtol=1e-6)


def test_path_gradient_norms_reject_bad_labels():
    x, numbers = _sentences()
    params = init_cell("gru")
    with pytest.raises(ValueError, match="5 integer label"):
        lg.path_gradient_norms(params, x, numbers[:3])
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.1"):
        lg.path_gradient_norms(params, x, numbers + 2)


def test_explorer_sentences_are_sentences_at_every_length():
    x, numbers = lg.explorer_sentences(30, m=4, seed=1)
    assert x.shape == (30, 4, lg.N_X) and numbers.shape == (4,)
    longer, same = lg.explorer_sentences(m=4, seed=1)
    np.testing.assert_array_equal(longer[:30], x)
    np.testing.assert_array_equal(same, numbers)
    with pytest.raises(ValueError, match="T == 201"):
        lg.explorer_sentences(201)
    for T in (4, 17, 30):
        for s, n in zip(rv.sentences(x[:T]), numbers, strict=True):
            words = s.split()
            assert words[0] == "the" and words[1].endswith(",") and len(words) == T - 1
            assert words[1].rstrip(",").endswith("s") == bool(n)  # plural nouns end in s


def test_cell_gradients_respond_to_the_gate_biases():
    x, numbers = lg.explorer_sentences(43)
    default = lg.cell_gradients(x, numbers, update_bias=0.0, forget_bias=1.0)
    keeping = lg.cell_gradients(x, numbers, update_bias=-3.0, forget_bias=3.0)
    np.testing.assert_array_equal(default["rnn"], keeping["rnn"])  # no gate, no change
    r0, r1 = lg.reach(default), lg.reach(keeping)
    assert r1["gru"] > 1e3 * r0["gru"]
    assert r1["lstm_c"] > 10 * r0["lstm_c"]
    assert default["keep_gru"] == pytest.approx(0.5, abs=0.05)
    assert keeping["keep_lstm"] == pytest.approx(rv.sigmoid(3.0), abs=0.05)
    assert list(default["k"]) == list(range(1, 44))


def test_reach_needs_two_steps():
    x, numbers = lg.explorer_sentences(10)
    with pytest.raises(ValueError, match="T >= 2"):
        lg.reach(lg.cell_gradients(x[:1], numbers))
    w = lg.CellExplorer(T=43)
    assert lg.reach(w.curves) == lg.reach(lg.cell_gradients(*lg.explorer_sentences(43)))


# --- the figure and the widget ----------------------------------------------------------------


def test_cell_explorer_figure_and_readouts_follow_every_control():
    """What the view's module (cells.js) draws for the numbers the kernel sends."""
    w = lg.CellExplorer(T=20)
    view = derive("cells", [w.result], labels=w.spec["reach"])[0]
    fig = view["figure"]
    assert len(fig["data"]) == 4 and fig["layout"]["yaxis"]["type"] == "log"
    assert "log scale" in fig["layout"]["yaxis"]["title"]["text"]
    assert len({(t["line"]["dash"], t["marker"]["symbol"]) for t in fig["data"]}) == 4
    np.testing.assert_allclose(fig["data"][3]["y"], w.curves["lstm_c"])
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert lo < np.log10(np.nanmin(w.curves["gru"])) < hi
    assert "GRU" in str(view["readouts"]) and "0.50" in str(view["readouts"])
    results = []
    for name, value in (("T", 30), ("update_bias", -3.0), ("forget_bias", 3.0), ("show", "LSTM")):
        w.set(**{name: value})
        results.append(w.result)
    views_ = derive("cells", results, labels=w.spec["reach"])
    for before, after in zip(views_, views_[1:3], strict=False):
        assert before["figure"]["data"] != after["figure"]["data"]
    assert len(views_[-1]["figure"]["data"][0]["x"]) == 30
    assert [t["visible"] for t in views_[-1]["figure"]["data"]] == [False, False, True, True]
    assert "0.95" in str(views_[-1]["readouts"])  # the keep factors after the bias sliders moved


def test_cell_explorer_checks_its_arguments():
    with pytest.raises(ValueError, match="T == 500"):
        lg.CellExplorer(T=500)
    with pytest.raises(ValueError, match="forget_bias == 9"):
        lg.CellExplorer(forget_bias=9.0)


# --- training: the shared harness with the lesson's set-up ------------------------------


QUICK = {"steps": 3, "n_train": 40, "n_test": 30, "batch_size": 8}


def test_sweep_tables():
    runs = lg.sweep(["rnn", "lstm"], [1, 2], [0, 1], **QUICK)
    assert list(runs) == ["rnn", "lstm"] and list(runs["rnn"]) == [1, 2]
    assert len(runs["lstm"][2]) == 2
    acc = lg.run_accuracies(runs)
    assert acc["lstm"][1] == [pair[1] for pair in runs["lstm"][1]]
    table = lg.success_table({"rnn": {10: [0.95, 0.5]}, "gru": {10: [0.9, 0.89], 40: [1.0]}})
    assert table == {10: {"basic RNN": [1.0, 0.0], "GRU": [1.0, 0.0]}, 40: {"GRU": [1.0]}}
    with pytest.raises(ValueError, match="cell == 'cnn'"):
        lg.sweep(["cnn"], [1], [0])


# --- connectivity and changing one word --------------------------------------------------------


def test_plot_connectivity_maps_shares_one_colour_scale():
    rng = np.random.default_rng(0)
    maps = {f"map {i}": np.tril(10.0 ** rng.uniform(-6, 0, (8, 8))) for i in range(4)}
    fig = lg.plot_connectivity_maps(maps, cols=2)
    assert len(fig.data) == 4 and all(t.coloraxis == "coloraxis" for t in fig.data)
    assert fig.layout.coloraxis.cmin <= -5 and fig.layout.coloraxis.cmax >= -1
    assert fig.data[3].xaxis == "x4" and fig.layout.yaxis3.title.text == "output step t"
    assert fig.data[0].z[0][1] is None  # above the diagonal: blank
    relative = lg.plot_connectivity_maps({"a": np.tril(np.full((4, 4), 2.0)) + np.eye(4)},
                                         relative=True)  # fmt: skip
    np.testing.assert_allclose(np.diagonal(np.array(relative.data[0].z, dtype=float)), 0.0)
    assert relative.data[0].z[3][0] == pytest.approx(np.log10(2 / 3))
    with pytest.raises(ValueError, match="every map must have shape"):
        lg.plot_connectivity_maps({"a": np.ones((3, 3)), "b": np.ones((4, 4))})


def test_answer_changes_of_a_network_without_memory():
    # W_aa = 0: a<T> depends on x<T> alone, so only a change of the last word can change the verb
    x, _ = rv.agreement(60, 8, attractors=0.3, seed=2)
    params = init_cell("rnn", seed=0)
    params["W_aa"][:] = 0.0
    params["W_ax"] *= 5.0
    changes = lg.answer_changes(params, x)
    assert np.isnan(changes[[0, 2]]).all()
    assert np.all(changes[[1, *range(3, 10)]] == 0.0)
    assert 0.0 < changes[-1] <= 1.0


def test_answer_changes_flip_the_subject():
    # a network that reads only the subject: the verb changes whenever the subject flips
    x, _ = rv.agreement(40, 3, seed=3)
    params = init_cell("rnn", n_a=2, seed=0)
    params["W_aa"][:] = np.eye(2)
    params["W_ax"][:] = 0.0
    plural = [rv.AGREEMENT_VOCAB.index(w) for w in ("cats", "dogs", "birds")]
    singular = [rv.AGREEMENT_VOCAB.index(w) for w in ("cat", "dog", "bird")]
    params["W_ax"][0, plural], params["W_ax"][0, singular] = 3.0, -3.0
    params["W_ya"][:] = [[-5.0, 0.0], [5.0, 0.0]]
    x = x.copy()
    x[3:] = 0.0
    x[3:, :, rv.AGREEMENT_VOCAB.index("which")] = 1.0  # no attractors: the clause is "which ..."
    changes = lg.answer_changes(params, x)
    assert changes[1] == 1.0


def test_answer_changes_checks_its_input():
    with pytest.raises(ValueError, match="agreement sentences"):
        lg.answer_changes(init_cell("rnn"), np.zeros((5, 2, 3)))


def test_plot_answer_changes_styles_by_cell():
    fig = lg.plot_answer_changes({"LSTM, seed 0": np.r_[np.nan, 1.0, np.nan, 0.0],
                                  "basic RNN": np.r_[np.nan, 0.1, np.nan, 0.5]})  # fmt: skip
    assert fig.data[0].line.dash == "dot" and fig.data[1].line.dash == "solid"
    assert fig.layout.yaxis.tickformat == ".0%"
    with pytest.raises(ValueError, match="non-empty dict"):
        lg.plot_answer_changes({})
