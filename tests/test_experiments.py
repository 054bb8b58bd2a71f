"""The shared training harness: the agreement task over cells, gaps and seeds."""

import numpy as np
import pytest

import rnnviz as rv
from rnnviz import experiments as ex
from rnnviz.lessons import gated as lg

N_X = len(rv.AGREEMENT_VOCAB)
QUICK = {"steps": 3, "n_train": 40, "n_test": 30, "batch_size": 8}


@pytest.mark.parametrize("cell", lg.CELLS)
def test_train_agreement_is_deterministic(cell):
    p1, acc1, h1 = ex.train_agreement(2, 0, cell=cell, **(lg.SETUP | QUICK))
    p2, acc2, _ = ex.train_agreement(2, 0, cell=cell, **(lg.SETUP | QUICK))
    assert acc1 == acc2 and 0.0 <= acc1 <= 1.0
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)
    assert p1["W_ya"].dtype == np.float32 and len(h1["loss"]) == 3
    assert rv.cells.cell_of(p1).name == cell


def test_train_agreement_uses_the_setup_and_its_options():
    p, _, _ = ex.train_agreement(2, 1, cell="gru", **QUICK, n_a=4, update_bias=-2.0)
    assert p["W_u"].shape == (4, 4 + N_X) and p["W_u"].dtype == np.float64
    assert abs(p["b_u"].mean() + 2.0) < 0.2  # three small steps away from the initial bias
    _, _, h = ex.train_agreement(2, 1, **QUICK, optimizer="sgd", momentum=0.9)
    assert len(h["loss"]) == 3
    with pytest.raises(ValueError, match="unknown options"):
        ex.train_agreement(2, 0, learning_rat=0.1)


def test_initial_params_are_where_training_starts():
    p = lg.initial_params("lstm", 3)
    assert p["W_c"].dtype == np.float32 and np.all(p["b_f"] == lg.SETUP["forget_bias"])
    trained, _, _ = ex.train_agreement(2, 3, cell="lstm", **(lg.SETUP | QUICK))
    step = np.abs(trained["W_c"] - p["W_c"]).max()
    assert 0 < step <= 3 * lg.SETUP["learning_rate"] * 1.01  # 3 Adam steps from there
    assert lg.initial_params("gru", 0, n_a=5)["W_u"].shape == (5, 5 + N_X)


def test_train_agreement_learns_a_short_gap_and_is_deterministic():
    options = dict(n_a=16, batch_size=16, steps=150, n_train=300, n_test=300)
    sgd = dict(optimizer="sgd", learning_rate=0.1, momentum=0.9)
    params, acc, history = ex.train_agreement(2, 0, **options, **sgd)
    again = ex.train_agreement(2, 0, **options, **sgd)
    assert acc > 0.95 and again[1] == acc
    assert all(np.array_equal(params[k], again[0][k]) for k in params)
    assert history["diverged_at"] is None and len(history["loss"]) == 150
    _, other, _ = ex.train_agreement(2, 1, optimizer="adam", learning_rate=0.01, **options)
    assert other > 0.95


def test_train_agreement_checks_its_arguments():
    with pytest.raises(ValueError, match="optimizer == 'rmsprop'"):
        ex.train_agreement(2, 0, optimizer="rmsprop")
    with pytest.raises(ValueError, match="gap == -1"):
        ex.train_agreement(-1, 0)
    with pytest.raises(ValueError, match="cell == 'cnn'"):
        ex.train_agreement(2, 0, cell="cnn")


def test_sweep_and_accuracies_have_one_entry_per_cell_gap_and_seed():
    runs = ex.sweep(["rnn", "gru"], [1, 2], [0, 1], steps=2, n_train=20, n_test=20)
    table = ex.accuracies(runs)
    assert list(table) == ["rnn", "gru"] and list(table["gru"]) == [1, 2]
    assert all(len(v) == 2 for by_gap in table.values() for v in by_gap.values())
    assert table["gru"][2][1] == ex.train_agreement(2, 1, cell="gru", steps=2, n_train=20,
                                                    n_test=20)[1]  # fmt: skip
    assert ex.success_flags([0.95, 0.5, 0.9]) == [1.0, 0.0, 1.0]
