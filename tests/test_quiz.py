import html
import re

import numpy as np
import pytest

import rnnviz as rv
from rnnviz.widgets import quiz


def right(question):
    """The position of the right answer among the choices as shown."""
    return [c for _, c, _ in quiz.options(question)].index(True)


def test_the_right_answer_is_first_second_and_third_across_the_quiz():
    positions = [right(q) for q in quiz.QUIZ]
    assert {0, 1, 2} <= set(positions), positions
    assert max(positions.count(p) for p in set(positions)) <= len(positions) // 2 + 1


def test_the_order_shown_is_a_fixed_shuffle_of_each_questions_choices():
    for name, (_, choices) in quiz.QUIZ.items():
        shown = quiz.options(name)
        assert sorted(shown) == sorted(choices) and shown == quiz.options(name)
    widget = rv.Quiz("sigma_gt_one")
    labels = [label for label, _ in widget.buttons["sigma_gt_one"].options]
    assert labels == [c for c, _, _ in quiz.options("sigma_gt_one")]


def test_a_room_quiz_poses_first_and_reveals_on_request():
    widget = rv.Quiz(["clipping_vanishing", "sigma_gt_one"], room=True)
    posed = widget.children[0].children[1].value
    assert "A." in posed and "B." in posed and "C." in posed
    assert "right" not in posed and "&#10004;" not in posed  # nothing given away
    widget.reveal("clipping_vanishing")
    shown = widget.children[0].children[1].value
    letter = "ABC"[right("clipping_vanishing")]
    assert f"<b>{letter}.</b>" in shown.split("&#10004;")[0].rsplit("<li", 1)[1]
    why = next(w for _, c, w in quiz.options("clipping_vanishing") if c)
    assert html.escape(why) in shown
    assert "&#10004;" not in widget.children[1].children[1].value  # the other still posed
    widget.reveal("clipping_vanishing", False)
    assert "&#10004;" not in widget.children[0].children[1].value
    with pytest.raises(ValueError, match="not a posed question"):
        widget.reveal("deep_network")
    with pytest.raises(TypeError, match="room == 'yes'"):
        rv.Quiz(room="yes")


def test_the_choices_are_in_large_type():
    for widget in (rv.Quiz("sigma_gt_one"), rv.Quiz("sigma_gt_one", room=True)):
        style = widget.children[-1].value
        sizes = [int(s) for s in re.findall(r"font-size: (\d+)px", style)]
        assert sizes and min(sizes) >= 18


def test_every_question_has_exactly_one_right_answer_with_an_explanation():
    for name, (_text, options) in quiz.QUIZ.items():
        assert sum(correct for _, correct, _ in options) == 1, name
        assert all(len(why) > 20 for _, _, why in options)


def test_picking_answers_updates_feedback_and_score():
    widget = rv.Quiz(["easier_to_spot", "value_vs_norm"])
    assert "0 of 2" in widget.score.value
    widget.buttons["easier_to_spot"].value = right("easier_to_spot")
    widget.buttons["value_vs_norm"].value = (right("value_vs_norm") + 1) % 3  # wrong
    assert "Score: 1 of 2 (2 answered)" in widget.score.value
    feedbacks = [c for c in widget.children if c.__class__.__name__ == "HTML"]
    texts = " ".join(f.value for f in feedbacks)
    assert "&#10004;" in texts and "Not quite." in texts and "Right. Right." not in texts


def test_text_in_the_quiz_is_escaped():
    widget = rv.Quiz(["local_influences"])
    assert "y_hat&lt;3&gt;" in widget.children[0].value


def test_answer():
    r = right("clipping_vanishing")
    assert quiz.answer("clipping_vanishing", r).ok
    assert not quiz.answer("clipping_vanishing", (r + 1) % 3).ok
    assert quiz.answer("clipping_vanishing", np.int64(r)).ok


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
