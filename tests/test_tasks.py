import numpy as np
import pytest

import rnnviz as rv
from rnnviz import tasks


def test_agreement_shapes_labels_and_sentences():
    x, y = rv.agreement(50, 7, seed=0)
    assert x.shape == (10, 50, len(rv.AGREEMENT_VOCAB))
    assert np.all(x.sum(axis=-1) == 1)  # one-hot
    assert np.all(y[:-1] == -1)
    noun = np.array([rv.AGREEMENT_VOCAB[i] for i in x[1].argmax(axis=-1)])
    expected = np.isin(noun, tasks.PLURAL).astype(int)
    assert np.array_equal(y[-1], expected)
    assert set(y[-1]) == {0, 1}
    text = rv.sentences(x[:, :2], y[:, :2])
    assert text[0].startswith("the ") and text[0].endswith(("... was", "... were"))


def test_agreement_is_seeded_and_attractors_appear_in_the_clause():
    x1, _ = rv.agreement(200, 12, attractors=0.5, seed=3)
    x2, _ = rv.agreement(200, 12, attractors=0.5, seed=3)
    assert np.array_equal(x1, x2)
    clause = x1[3:].argmax(axis=-1)
    nouns = {rv.AGREEMENT_VOCAB.index(w) for w in tasks.SINGULAR + tasks.PLURAL}
    share = np.isin(clause, list(nouns)).mean()
    assert 0.4 < share < 0.6
    x0, _ = rv.agreement(200, 12, attractors=0.0, seed=3)
    assert not np.isin(x0[3:].argmax(axis=-1), list(nouns)).any()


def test_gap_zero_is_the_easy_baseline():
    x, y = rv.agreement(5, 0, seed=1)
    assert x.shape[0] == 3 and np.all(y[-1] >= 0)


def test_adding_problem_labels_match_the_marked_sum():
    x, y = rv.adding(100, 30, seed=0)
    assert x.shape == (30, 100, 2)
    assert np.all(x[:, :, 1].sum(axis=0) == 2)
    first_half = x[:15, :, 1].sum(axis=0)
    assert np.all(first_half == 1)
    total = (x[:, :, 0] * x[:, :, 1]).sum(axis=0)
    assert np.array_equal(y[-1], (total > 1).astype(int))
    assert np.all(y[:-1] == -1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"m": 0, "gap": 3}, ValueError, "m == 0"),
        ({"m": 2.5, "gap": 3}, TypeError, "m == 2.5"),
        ({"m": 4, "gap": -1}, ValueError, "gap == -1"),
        ({"m": 4, "gap": 2, "attractors": 1.5}, ValueError, "attractors == 1.5"),
        ({"m": 4, "gap": 2, "attractors": float("nan")}, ValueError, "attractors == nan"),
    ],
)
def test_agreement_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        rv.agreement(**kwargs)


def test_adding_bad_input():
    with pytest.raises(ValueError, match="T == 1"):
        rv.adding(3, 1)
