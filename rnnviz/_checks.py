"""Input checks for the public functions: errors that name the argument and the value."""

import numbers

import numpy as np

# Size caps, checked before anything is allocated. Every lesson stays far below them; they stop a
# typo (T=10**7, batch_size=10**9) from computing for minutes and then failing to allocate.
MAX_T = 10_000  # time steps
MAX_UNITS = 4_096  # n_x, n_a or n_y: a weight matrix of at most 4096 x 8192 floats (256 MiB)
MAX_BATCH = 100_000  # sequences in one batch
# The memory and work of a call are bounded by the budget (`rnnviz.budget`), not by these caps.


def check_int(name, value, *, minimum=1, maximum=None, what=""):
    """Return `value` as an int, or raise TypeError/ValueError naming `name`.

    `what` says what the cap `maximum` protects, for the message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} == {value!r}, must be an integer")
    if value < minimum:
        raise ValueError(f"{name} == {value!r}, must be >= {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(
            f"{name} == {value!r}, must be <= {maximum:,}{f' ({what})' if what else ''}"
        )
    return int(value)


def check_seed(seed, name="seed"):
    """Return `seed` if numpy's default_rng takes it: None, an integer >= 0, or a tuple of them."""
    if seed is None:
        return None
    if isinstance(seed, tuple | list) and seed:
        return tuple(check_int(name, s, minimum=0) for s in seed)
    return check_int(name, seed, minimum=0)


def check_float(name, value, *, positive=True, allow_zero=False, maximum=None):
    """Return `value` as a finite float (> 0 when `positive`), or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} == {value!r}, must be a real number")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond float64, e.g. 10**400
        raise ValueError(f"{name} == {str(value)[:12]}..., too large for a float") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} == {value!r}, must be finite")
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        raise ValueError(f"{name} == {value!r}, must be {'>=' if allow_zero else '>'} 0")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} == {value!r}, must be <= {maximum}")
    return value


def check_array(name, value, *, ndims, last=None, dtype=None):
    """Return `value` as a float ndarray with ndim in `ndims` and last axis `last`."""
    if not isinstance(value, (np.ndarray, list, tuple)):
        raise TypeError(f"{name} must be an array, got {type(value).__name__}")
    arr = check_real(name, value)
    if arr.ndim not in ndims:
        expected = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} has shape {arr.shape}, must be {expected}")
    if arr.size == 0 or (arr.ndim and arr.shape[0] == 0):
        raise ValueError(f"{name} has shape {arr.shape}: it is empty (T == 0?)")
    if last is not None and arr.shape[-1] != last:
        raise ValueError(f"{name} has shape {arr.shape}, its last axis must have size {last}")
    return arr.astype(dtype or np.float64, copy=False)


def check_real(name, arr):
    """Return `arr` as an array; raise TypeError naming `name` unless it holds real numbers.

    Booleans count as numbers; a ragged nested list is a ValueError. np.matrix (always 2-D,
    `*` is a matrix product) and masked arrays (the masks would be ignored) are refused by name.
    """
    if isinstance(arr, np.matrix):
        raise TypeError(f"{name} is an np.matrix: pass a plain array, np.asarray({name})")
    if np.ma.isMaskedArray(arr):
        raise TypeError(
            f"{name} is a masked array, whose mask rnnviz would ignore: pass {name}.filled(value)"
        )
    try:
        arr = np.asarray(arr)
    except ValueError:
        raise ValueError(f"{name} is ragged (rows of different lengths)") from None
    if np.iscomplexobj(arr):
        raise TypeError(
            f"{name} has complex dtype {arr.dtype}: rnnviz computes with real numbers only"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr


def check_choice(name, value, choices):
    """Raise ValueError unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"{name} == {value!r}, must be one of {', '.join(map(repr, choices))}")
    return value


def check_range(name, value, lo, hi):
    """Return `value` if lo <= value <= hi, else ValueError naming `name`."""
    if not lo <= value <= hi:
        raise ValueError(f"{name} == {value!r}, must be in {lo}..{hi}")
    return value


def check_int_pair(name, value, minimum, maximum=None, what=""):
    """(lo, hi) integers with minimum <= lo < hi <= maximum, or ValueError naming `name`."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} == {value!r}, must be a pair (lo, hi)")
    lo, hi = (check_int(name, v, minimum=minimum, maximum=maximum, what=what) for v in value)
    if lo >= hi:
        raise ValueError(f"{name} == {value!r}, lo must be < hi")
    return lo, hi


def check_float_pair(name, value):
    """(lo, hi) finite floats with lo < hi, or ValueError naming `name`."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} == {value!r}, must be a pair (lo, hi)")
    lo, hi = (check_float(name, v) for v in value)
    if lo >= hi:
        raise ValueError(f"{name} == {value!r}, lo must be < hi")
    return lo, hi
