"""The instructor's card quotes the explorer's readouts: recompute every one from the package."""

import re
from pathlib import Path

import pytest

from rnnviz import views

CARD = Path(__file__).resolve().parents[1] / "docs" / "instructor-card.md"
ROW = re.compile(r"^\| (\d+)(?: ★)? \| `([^`]*)` \| (.*?) \| (.*?) \|$", re.M)


def rows():
    found = ROW.findall(CARD.read_text(encoding="utf-8"))
    assert len(found) >= 8, "the card's table of moves was not found"
    return found


def test_the_essential_moves_fit_the_plan():
    """Ten minutes of explorer: the card marks six moves as essential, and says which."""
    text = CARD.read_text(encoding="utf-8")
    essential = re.findall(r"^\| (\d+) ★ \|", text, re.M)
    assert essential == ["1", "3", "4", "5", "8", "10"]
    assert "(1, 3, 4, 5, 8, 10)" in text  # the legend names the same moves


def setting(text):
    """`T=50 weight_scale=0.9 activation=tanh` -> keyword arguments of views.gradient_flow."""
    kwargs = dict(pair.split("=") for pair in text.split())
    numbers = {"T": int, "weight_scale": float, "clip_threshold": float}
    return {k: numbers.get(k, str)(v) for k, v in kwargs.items()}


@pytest.mark.parametrize(("number", "code", "sees", "ask"), rows())
def test_every_quoted_readout_is_what_the_explorer_shows(number, code, sees, ask):
    kwargs = setting(code)
    shown = views.readouts(
        views.gradient_flow(**kwargs), clip_threshold=kwargs.get("clip_threshold")
    )
    quotes = re.findall(r'"([^"]+)"', sees)
    assert quotes, f"move {number} quotes no readout"
    for quote in quotes:
        assert any(quote in value for value in shown.values()), (number, quote, shown)
    ratio = shown["ratio ||dL/da<1>|| / ||dL/da<T>||"]
    assert ratio in quotes or "NaN" in ratio, f"move {number} must quote the ratio {ratio!r}"
    assert ask.strip().endswith('?"'), f"move {number} has no question to ask"


def test_the_card_quotes_the_clipping_arrows_right():
    r = views.clipping_geometry((3.0, 0.6), 1.0)
    assert f"by value turns it by {r.turn_by_value:.1f}°" in CARD.read_text(encoding="utf-8")
    assert r.turn_by_norm < 0.05
