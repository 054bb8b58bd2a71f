"""Input checks for the public functions: errors that name the argument and the value."""

import numbers

import numpy as np


def check_int(name, value, *, minimum=1):
    """Return `value` as an int, or raise TypeError/ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} == {value!r}, must be an integer")
    if value < minimum:
        raise ValueError(f"{name} == {value!r}, must be >= {minimum}")
    return int(value)


def check_float(name, value, *, positive=True, allow_zero=False, maximum=None):
    """Return `value` as a finite float (> 0 when `positive`), or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} == {value!r}, must be a real number")
    value = float(value)
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
    arr = np.asarray(value)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim not in ndims:
        expected = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} has shape {arr.shape}, must be {expected}")
    if arr.size == 0 or (arr.ndim and arr.shape[0] == 0):
        raise ValueError(f"{name} has shape {arr.shape}: it is empty (T == 0?)")
    if last is not None and arr.shape[-1] != last:
        raise ValueError(f"{name} has shape {arr.shape}, its last axis must have size {last}")
    return arr.astype(dtype or np.float64, copy=False)


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


def check_int_pair(name, value, minimum):
    """(lo, hi) integers with minimum <= lo < hi, or ValueError naming `name`."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} == {value!r}, must be a pair (lo, hi)")
    lo, hi = (check_int(name, v, minimum=minimum) for v in value)
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
