"""A self-check quiz on the misconceptions the course takes apart, with instant feedback.

`Quiz()` shows every question as radio buttons (`Quiz("sigma_gt_one")` one of them,
`Quiz([...])` those named); picking an answer shows why it is right or wrong at once.
`answer(question, choice)` gives the same feedback as text. `Quiz(..., room=True)` poses the
questions to a room: the choices as A, B, C in large type, and a Reveal button per question
that shows the right one and why, after a show of hands.

Each question's choices are shown in an order drawn once from a fixed seed (`options`), so the
right answer is not always in the same place; `answer` counts choices in that order.
"""

import html
import zlib

import ipywidgets as w
import numpy as np

from .._checks import check_choice, check_int
from ..exercises import Feedback

# (question, [(choice, correct, why), ...]); the notebook that shows the answer is named in "why"
QUIZ = {
    "clipping_vanishing": (
        "Does clipping the gradient by its global norm cure vanishing gradients?",
        [
            (
                "No: it only shrinks a gradient that is too long; small ones pass unchanged.",
                True,
                "Right. Clipping rescales the total; it cannot bring back a fading signal. Gated "
                "units (notebook 06) can.",
            ),
            (
                "Yes: it makes every time step's gradient the same size.",
                False,
                "Clipping multiplies the whole gradient by one factor, so the share of distant "
                "steps stays as tiny as before (notebook 04, 'Clipping does not cure vanishing').",
            ),
            (
                "Partly: it scales the small gradients of distant steps up towards the threshold.",
                False,
                "Clipping only ever shrinks. Below the threshold nothing changes; above it every "
                "step is multiplied by the same c / ||g|| < 1, so distant steps keep their tiny "
                "share (notebook 04).",
            ),
        ],
    ),
    "sigma_gt_one": (
        "sigma_max(W_aa) = 1.5. Will the gradient explode as it travels back?",
        [
            (
                "Yes, always: 1.5^(T-k) grows without bound.",
                False,
                "1.5^(T-k) is only an upper bound. Saturated tanh units (small g') or a "
                "non-normal W_aa with spectral radius < 1 still make it vanish (notebook 03).",
            ),
            (
                "Not necessarily: sigma_max * gamma > 1 is necessary for exploding, "
                "not sufficient.",
                True,
                "Right. Below 1 vanishing is guaranteed; above 1 anything can happen.",
            ),
            (
                "No, never: tanh' <= 1 keeps every factor of the product below 1.",
                False,
                "tanh' <= 1 does not cap the product: sigma_max(W_aa) can be 2 or 3, and with "
                "unsaturated units the explorer shows the gradient growing backward (notebook 02, "
                "the explorer; notebook 03).",
            ),
        ],
    ),
    "easier_to_spot": (
        "Which problem is easier to notice while training?",
        [
            (
                "Exploding gradients.",
                True,
                "Right: the parameters blow up and the loss turns into NaN at a definite step "
                "(notebook 03). Vanishing gradients fail silently: training just never learns "
                "the long dependency.",
            ),
            (
                "Vanishing gradients.",
                False,
                "Vanishing gradients raise no alarm: the loss looks fine on short dependencies and "
                "the model quietly ignores long ones. Exploding ones produce NaNs (notebook 03).",
            ),
            (
                "Neither: both show up the same way in the loss curve.",
                False,
                "They look different. Exploding gradients make the loss jump by orders of "
                "magnitude or turn into NaN; vanishing ones leave the loss looking healthy "
                "(notebook 03, 'Loud and silent').",
            ),
        ],
    ),
    "sigmoid_tanh": (
        "With the same W_aa, why does a sigmoid RNN lose its gradient faster than a tanh RNN?",
        [
            (
                "Because sigmoid's slope is at most 1/4, tanh's at most 1 (gamma = 1/4 vs 1).",
                True,
                "Right: each step back multiplies the bound by sigma_max * gamma, so sigmoid "
                "shrinks it by at least 4x per step when sigma_max <= 1.",
            ),
            (
                "Because sigmoid saturates and tanh never does.",
                False,
                "Both saturate. The difference holds even for unsaturated units: the largest "
                "slope of sigmoid is 1/4, of tanh 1 (notebook 02).",
            ),
            (
                "It does not: with the same W_aa, both lose the gradient at the same rate.",
                False,
                "Notebook 02 measures both: with sigma_max(W_aa) = 1 and T = 50, the sigmoid's "
                "gradient at step 1 is about 10^23 times smaller than tanh's.",
            ),
        ],
    ),
    "local_influences": (
        "In a randomly initialised basic RNN with sigma_max(W_aa) < 1, y_hat<3> depends mostly "
        "on ...",
        [
            (
                "... x<1>, since the first word sets the context.",
                False,
                "The influence of x<k> on y_hat<t> shrinks overall with t - k (between "
                "neighbours the order can flip); the connectivity map (notebook 02) shows the "
                "bright diagonal.",
            ),
            (
                "... x<3> and x<2>, the inputs close to it.",
                True,
                "Right: the lecture's 'local influences', visible as the bright diagonal of the "
                "connectivity map.",
            ),
            (
                "... x<1>, x<2> and x<3> equally: a<3> sums up all three.",
                False,
                "a<3> depends on all three, but not equally: each step back multiplies an input's "
                "influence by at most sigma_max * gamma < 1 (notebook 02, 'Local influences').",
            ),
        ],
    ),
    "value_vs_norm": (
        "Which clipping keeps the direction of the gradient?",
        [
            (
                "Clipping by global norm (rescale when ||g|| > c).",
                True,
                "Right: every entry is multiplied by the same factor c / ||g||.",
            ),
            (
                "Clipping by value (each entry into [-c, c]).",
                False,
                "Clipping entries separately cuts the large entries more than the small ones, so "
                "the arrow turns (notebook 04).",
            ),
            (
                "Both: each of them only makes the gradient shorter.",
                False,
                "Clipping by value cuts some entries and not others: g = (3, 0.6) with c = 1 "
                "becomes (1, 0.6) and turns by 19.7 degrees (notebook 04).",
            ),
        ],
    ),
    "deep_network": (
        "An RNN unrolled over 100 steps is like a 100-layer network. What does that mean for "
        "the gradient reaching step 1?",
        [
            (
                "Reusing the same W_aa at every step protects it: the gradient is preserved.",
                False,
                "Shared or not, the gradient is a product of 100 Jacobians; with factors below 1 "
                "it vanishes just as in a 100-layer network (notebook 02, 'A 100-layer network in "
                "disguise', where tied and untied weights give the same 1e-20).",
            ),
            (
                "It is a product of 100 Jacobians, so it shrinks (or grows) exponentially with the "
                "distance, as in a 100-layer network.",
                True,
                "Right: notebook 02 computes both, tied W_aa and 100 different matrices, and both "
                "lose about 20 orders of magnitude.",
            ),
            (
                "Nothing: an RNN has a single layer, so the gradient passes through one matrix.",
                False,
                "Unrolled, the RNN applies its one cell T times, and the gradient passes back "
                "through all T copies (notebook 01, 'The unrolled graph'; notebook 02).",
            ),
        ],
    ),
}


ORDER_SEED = 4  # the seed of the choices' order: the right answer lands first, second or third


def options(question):
    """The choices of `question` as shown, [(choice, correct, why), ...]: QUIZ's list in an order
    drawn from ORDER_SEED and the question's id, the same on every machine and in every run."""
    choices = QUIZ[_check_question("question", question)][1]
    rng = np.random.default_rng((ORDER_SEED, zlib.crc32(question.encode())))
    return [choices[i] for i in rng.permutation(len(choices))]


def answer(question, choice):
    """Feedback for picking choice number `choice` (0-based, in the order shown) of `question`."""
    shown = options(question)
    _, correct, why = shown[check_int("choice", choice, minimum=0, maximum=len(shown) - 1)]
    return Feedback(correct, why)


def _check_question(name, value):
    """`value` if it is the id of a question, else TypeError/ValueError naming `name`."""
    if not isinstance(value, str):
        raise TypeError(f"{name} == {value!r}, must be a question id (a string): {', '.join(QUIZ)}")
    return check_choice(name, value, tuple(QUIZ))


def _check_questions(questions):
    """The ids of the questions to show: all of them for None, one for a single id."""
    if questions is None:
        return list(QUIZ)
    if isinstance(questions, str):
        return [_check_question("questions", questions)]
    if not isinstance(questions, list | tuple):
        raise TypeError(f"questions == {questions!r}, must be a question id or a list of them")
    if not questions:
        raise ValueError(f"questions == {questions!r} is empty: name one or more, or None for all")
    names = [_check_question(f"questions[{i}]", q) for i, q in enumerate(questions)]
    twice = [q for i, q in enumerate(names) if q in names[:i]]
    if twice:
        raise ValueError(f"questions == {questions!r} names {twice[0]!r} twice")
    return names


# Type readable from the back of a room: the choices as large as the question's feedback.
STYLE = """<style>
.rnnviz-quiz .widget-radio-box label { font-size: 18px; line-height: 1.5; margin: 4px 0; }
.rnnviz-quiz .widget-radio-box input { transform: scale(1.3); margin-right: 10px; }
.rnnviz-quiz-room li { font-size: 22px; line-height: 1.5; margin: 6px 0; }
.rnnviz-quiz-room .widget-toggle-button { font-size: 18px; }
</style>"""
LETTERS = "ABCDEFGH"


class Quiz(w.VBox):
    """All questions (or the ones named), each with instant feedback on the chosen answer.

    questions : None (all of them), one question id, or a list of ids from `QUIZ`, in order
    room : False (each reader answers alone), or True: pose, then reveal. The choices are shown
        as A, B, C for a show of hands; each question's Reveal button shows the right one and
        why (`reveal(question)` does the same from code).
    """

    def __init__(self, questions=None, *, room=False):
        names = _check_questions(questions)
        if not isinstance(room, bool):
            raise TypeError(f"room == {room!r}, must be True or False")
        self.score = w.HTML(layout=w.Layout(margin="8px 0"))
        self.buttons = {}
        self.reveals = {}
        if room:
            items = [self._posed(i, name) for i, name in enumerate(names)]
            super().__init__([*items, w.HTML(STYLE)])
            self.add_class("rnnviz-quiz-room")
            return
        items = []
        for i, name in enumerate(names):
            text = QUIZ[name][0]
            radio = w.RadioButtons(
                options=[(o[0], j) for j, o in enumerate(options(name))],
                value=None,
                layout=w.Layout(width="auto"),
            )
            feedback = w.HTML()
            radio.observe(
                lambda change, n=name, f=feedback: self._show(n, change["new"], f), names="value"
            )
            self.buttons[name] = radio
            items += [
                w.HTML(f"<h4 style='font-size:18px'>{i + 1}. {html.escape(text)}</h4>"),
                radio,
                feedback,
            ]
        super().__init__([*items, self.score, w.HTML(STYLE)])
        self.add_class("rnnviz-quiz")
        self._update_score()

    def _posed(self, i, name):
        """Question i as posed to a room: its choices lettered, a Reveal button below them."""
        text = QUIZ[name][0]
        shown = options(name)
        choices = w.HTML()
        button = w.ToggleButton(description="Reveal the answer", icon="eye")

        def draw(change=None):
            revealed = button.value
            button.description = "Hide the answer" if revealed else "Reveal the answer"
            lines = []
            for letter, (choice, correct, _) in zip(LETTERS, shown, strict=False):
                mark = " <b>&#10004; right</b>" if revealed and correct else ""
                style = "" if not revealed or correct else " style='opacity:0.55'"
                lines.append(f"<li{style}><b>{letter}.</b> {html.escape(choice)}{mark}</li>")
            why = next(why for _, correct, why in shown if correct)
            note = f"<p style='font-size:18px'>{html.escape(why)}</p>" if revealed else ""
            choices.value = (
                f"<ul style='list-style:none;padding-left:0'>{''.join(lines)}</ul>{note}"
            )

        button.observe(draw, names="value")
        draw()
        self.reveals[name] = button
        heading = w.HTML(f"<h4 style='font-size:22px'>{i + 1}. {html.escape(text)}</h4>")
        return w.VBox([heading, choices, button])

    def reveal(self, question, show=True):
        """Show (or hide) the right answer of `question` in a room quiz."""
        if question not in self.reveals:
            raise ValueError(f"question == {question!r} is not a posed question of this quiz")
        self.reveals[question].value = bool(show)

    def _show(self, name, choice, box):
        if choice is not None:
            fb = answer(name, choice)
            mark = "&#10004;" if fb.ok else "&#10008; Not quite."
            box.value = f"<p style='font-size:16px'><b>{mark}</b> {html.escape(fb.message)}</p>"
        self._update_score()

    def _update_score(self):
        done = [(n, b.value) for n, b in self.buttons.items() if b.value is not None]
        right = sum(answer(n, c).ok for n, c in done)
        self.score.value = (
            f"<p style='font-size:16px'>Score: {right} of {len(self.buttons)}"
            f" ({len(done)} answered)</p>"
        )
