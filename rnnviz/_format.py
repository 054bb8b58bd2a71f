"""Numbers as short text, the way every readout, title and label of the course writes them."""

import numpy as np


def fmt(value, digits=2):
    """A number as short text: 3.1e-05, 0.9, inf, NaN."""
    value = float(value)
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k):
    """10^k as plain text with Unicode superscripts: 1, 10, 10³, 10⁻¹²."""
    return "1" if k == 0 else "10" if k == 1 else "10" + str(k).translate(_SUPERSCRIPT)


def at_step(quantity, k):
    """'||dL/da<k>||' at a given step: at_step('||dL/da<k>||', 1) -> '||dL/da<1>||'."""
    return quantity.replace("<k>", f"<{k}>")
