import re

import numpy as np
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


def test_answer():
    assert quiz.answer("clipping_vanishing", 0).ok
    assert not quiz.answer("clipping_vanishing", 1).ok
    assert quiz.answer("clipping_vanishing", np.int64(0)).ok


def test_one_question_id_is_a_quiz_of_one_question():
    assert list(rv.Quiz("sigma_gt_one").buttons) == ["sigma_gt_one"]
    assert list(rv.Quiz(("value_vs_norm", "sigma_gt_one")).buttons) == [
        "value_vs_norm",
        "sigma_gt_one",
    ]
    assert list(rv.Quiz().buttons) == list(quiz.QUIZ)


VALID = "one of 'clipping_vanishing', 'sigma_gt_one'"  # the message lists the valid ids


@pytest.mark.parametrize(
    "questions, error, match",
    [
        ("x", ValueError, f"questions == 'x', must be {VALID}"),
        (["x"], ValueError, rf"questions\[0\] == 'x', must be {VALID}"),
        (["sigma_gt_one", "Sigma_gt_one"], ValueError, r"questions\[1\] == 'Sigma_gt_one'"),
        ([], ValueError, r"questions == \[\] is empty"),
        ((), ValueError, r"questions == \(\) is empty"),
        (["easier_to_spot", "easier_to_spot"], ValueError, "names 'easier_to_spot' twice"),
        ([3], TypeError, r"questions\[0\] == 3, must be a question id \(a string\)"),
        ([None], TypeError, r"questions\[0\] == None, must be a question id"),
        ([["sigma_gt_one"]], TypeError, r"questions\[0\] == \['sigma_gt_one'\]"),
        (3, TypeError, "questions == 3, must be a question id or a list of them"),
        ({"sigma_gt_one"}, TypeError, r"questions == \{'sigma_gt_one'\}, must be"),
        (b"sigma_gt_one", TypeError, "questions == b'sigma_gt_one', must be"),
    ],
)
def test_quiz_names_the_bad_argument(questions, error, match):
    with pytest.raises(error, match=match):
        rv.Quiz(questions)


@pytest.mark.parametrize(
    "question, choice, error, match",
    [
        ("x", 0, ValueError, f"question == 'x', must be {VALID}"),
        (["x"], 0, TypeError, r"question == \['x'\], must be a question id"),
        (None, 0, TypeError, "question == None, must be a question id"),
        ("clipping_vanishing", 5, ValueError, "choice == 5, must be <= 2"),
        ("clipping_vanishing", -1, ValueError, "choice == -1, must be >= 0"),
        ("clipping_vanishing", 1.0, TypeError, "choice == 1.0, must be an integer"),
        ("clipping_vanishing", True, TypeError, "choice == True, must be an integer"),
        ("clipping_vanishing", "0", TypeError, "choice == '0', must be an integer"),
    ],
)
def test_answer_names_the_bad_argument(question, choice, error, match):
    with pytest.raises(error, match=match):
        quiz.answer(question, choice)


@pytest.mark.parametrize("question", list(quiz.QUIZ))
def test_every_question_has_three_options_one_right_and_says_where_to_look(question):
    text, options = quiz.QUIZ[question]
    assert len(options) >= 3
    assert sum(correct for _, correct, _ in options) == 1
    assert len({choice for choice, _, _ in options}) == len(options)
    for choice, correct, why in options:
        if not correct:  # a wrong answer names the notebook that takes it apart
            assert re.search(r"notebook \d", why, re.I), (question, choice)
