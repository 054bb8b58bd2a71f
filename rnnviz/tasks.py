"""Seeded data sets: one-hot inputs x of shape (T, m, n_x) and labels y of shape (T, m).

A label of -1 means "not scored at this step": only the step where the answer is due counts.

- `agreement`: the lecture's "The cat, which already ate ..., was full" / "The cats ... were
  full". The network reads "the", a noun, a comma and a clause of `gap` words, and must then
  say "was" (label 0) for a singular noun or "were" (label 1) for a plural one. With
  `attractors` > 0 some clause words are nouns of either number ("ate the fish"), which pull a
  network with only local memory toward the wrong answer.
- `agreement(m, gap=0)`: the easy baseline, the same question asked right after the noun.
- `adding`: the adding problem of Hochreiter & Schmidhuber (1997), as a classification: two
  marked numbers in a long sequence; is their sum greater than 1?
"""

import numpy as np

from . import budget
from ._checks import MAX_BATCH, MAX_T, check_float, check_int, check_seed

SINGULAR = ("cat", "dog", "bird")
PLURAL = ("cats", "dogs", "birds")
FILLERS = ("which", "already", "ate", "a", "lot", "of", "food", "today", "and", "slept")
AGREEMENT_VOCAB = ("the", *SINGULAR, *PLURAL, ",", *FILLERS)
AGREEMENT_CLASSES = ("was", "were")

_THE, _COMMA = 0, AGREEMENT_VOCAB.index(",")
_NOUNS = np.array([AGREEMENT_VOCAB.index(w) for w in SINGULAR + PLURAL])  # plural: index >= 3
_FILLERS = np.array([AGREEMENT_VOCAB.index(w) for w in FILLERS])


def _check_task(name, T, m, n_x, smaller):
    """The budget of a task's x (T, m, n_x) and y (T, m), with the tokens or draws behind them."""
    budget.check(
        f"the {name} task with T = {T:,} steps and m = {m:,} sequences",
        nbytes=8 * T * m * (n_x + 4),
        operations=T * m * (n_x + 10),
        smaller=smaller,
    )


def one_hot(tokens, n):
    """One-hot vectors of length n for an int array of tokens: shape tokens.shape + (n,)."""
    return np.eye(n)[tokens]


def agreement_tokens(m, gap, *, attractors=0.0, seed=None):
    """Token ids (T, m) with T = gap + 3, and the number of each sentence's subject (m,).

    Sentence i: "the", noun, ",", then `gap` clause words; each clause word is a noun of random
    number with probability `attractors`, otherwise a filler word. number[i] is 0 for a
    singular subject ("was") and 1 for a plural one ("were").
    """
    m = check_int("m", m, maximum=MAX_BATCH, what="sentences")
    gap = check_int("gap", gap, minimum=0, maximum=MAX_T - 3, what=f"T = gap + 3 <= {MAX_T:,}")
    _check_task("agreement", gap + 3, m, len(AGREEMENT_VOCAB), "m or gap")
    attractors = check_float("attractors", attractors, allow_zero=True, maximum=1.0)
    rng = np.random.default_rng(check_seed(seed))
    noun = rng.integers(0, len(_NOUNS), m)
    clause = _FILLERS[rng.integers(0, len(_FILLERS), (gap, m))]
    is_attractor = rng.random((gap, m)) < attractors
    clause[is_attractor] = _NOUNS[rng.integers(0, len(_NOUNS), is_attractor.sum())]
    tokens = np.concatenate(
        [np.full((1, m), _THE), _NOUNS[noun][None], np.full((1, m), _COMMA), clause]
    )
    return tokens, (noun >= len(SINGULAR)).astype(int)


def agreement(m, gap, *, attractors=0.0, seed=None):
    """The agreement task: x of shape (T, m, n_x) one-hot, y of shape (T, m), T = gap + 3.

    y is -1 everywhere except at the last step, where it is 0 ("was") or 1 ("were").
    n_x = len(AGREEMENT_VOCAB) = 18, n_y = 2. See `agreement_tokens` for the sentences and
    `sentences` to read them.
    """
    tokens, number = agreement_tokens(m, gap, attractors=attractors, seed=seed)
    y = np.full(tokens.shape, -1)
    y[-1] = number
    return one_hot(tokens, len(AGREEMENT_VOCAB)), y


def sentences(x, y=None):
    """The agreement sentences in x (T, m, n_x) as text, with the expected verb when y is given."""
    tokens = np.asarray(x).argmax(axis=-1)
    tokens = tokens[:, None] if tokens.ndim == 1 else tokens
    out = []
    for i in range(tokens.shape[1]):
        words = " ".join(AGREEMENT_VOCAB[t] for t in tokens[:, i]).replace(" ,", ",")
        if y is not None:
            label = np.asarray(y).reshape(len(tokens), -1)[-1, i]
            words += f" ... {AGREEMENT_CLASSES[label]}"
        out.append(words)
    return out


def adding(m, T, *, seed=None):
    """The adding problem as a classification: x (T, m, 2), y (T, m) scored at the last step.

    x<t>[0] is a number drawn uniformly from [0, 1]; x<t>[1] marks two steps, one in the first
    half of the sequence and one in the second. The label is 1 when the two marked numbers add
    up to more than 1, else 0. The first marker can be up to T - 1 steps before the answer.
    """
    m = check_int("m", m, maximum=MAX_BATCH, what="sequences")
    T = check_int("T", T, minimum=2, maximum=MAX_T, what="time steps")
    _check_task("adding", T, m, 2, "m or T")
    rng = np.random.default_rng(check_seed(seed))
    x = np.zeros((T, m, 2))
    x[:, :, 0] = rng.random((T, m))
    half = T // 2
    first = rng.integers(0, half, m)
    second = rng.integers(half, T, m)
    cols = np.arange(m)
    x[first, cols, 1] = x[second, cols, 1] = 1.0
    y = np.full((T, m), -1)
    y[-1] = (x[first, cols, 0] + x[second, cols, 0] > 1.0).astype(int)
    return x, y
