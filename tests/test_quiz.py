import pytest

import rnnviz as rv
from rnnviz.widgets import quiz


def test_the_right_answer_is_not_always_in_the_same_place():
    positions = [[c for _, c, _ in options].index(True) for _, options in quiz.QUIZ.values()]
    assert 0 in positions and 1 in positions


def test_every_question_has_exactly_one_right_answer_with_an_explanation():
    for name, (_text, options) in quiz.QUIZ.items():
        assert sum(correct for _, correct, _ in options) == 1, name
        assert all(len(why) > 20 for _, _, why in options)


def test_picking_answers_updates_feedback_and_score():
    widget = rv.Quiz(["easier_to_spot", "value_vs_norm"])
    assert "0 of 2" in widget.score.value
    widget.buttons["easier_to_spot"].value = 0  # right
    widget.buttons["value_vs_norm"].value = 1  # wrong
    assert "Score: 1 of 2 (2 answered)" in widget.score.value
    feedbacks = [c for c in widget.children if c.__class__.__name__ == "HTML"]
    texts = " ".join(f.value for f in feedbacks)
    assert "&#10004;" in texts and "Not quite." in texts and "Right. Right." not in texts


def test_text_in_the_quiz_is_escaped():
    widget = rv.Quiz(["local_influences"])
    assert "y_hat&lt;3&gt;" in widget.children[0].value


def test_answer_and_bad_input():
    assert quiz.answer("clipping_vanishing", 0).ok
    assert not quiz.answer("clipping_vanishing", 1).ok
    with pytest.raises(ValueError, match="choice == 5"):
        quiz.answer("clipping_vanishing", 5)
    with pytest.raises(ValueError, match="question == 'x'"):
        quiz.answer("x", 0)
    with pytest.raises(ValueError, match="'x' is not one of"):
        rv.Quiz(["x"])
