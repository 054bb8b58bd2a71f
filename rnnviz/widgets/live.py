"""A live view: drawn in the browser by one module (static/<view>.js), computed here.

The same module draws the view in JupyterLab, in Voila and on the website: its controls, figure
(plotly.js), title, readouts and notes. The kernel only computes. The model holds:

    spec      the controls (`rnnviz.views.spec`) and the view's options
    setting   the controls' values: the browser sets it when a control moves, Python may too
    result    the numbers the engine computed for `setting` (arrays as float64 bytes)
    error     why the last setting could not be computed ("" if it could)

A move of a control is one message to the kernel, one computation, one message back. plotly.js
comes once per page: the first view asks its kernel for plotly.py's own copy of the file (no
network), every later view on the page uses it.
"""

import re
import threading
from functools import cache
from pathlib import Path

import anywidget
import traitlets

from .. import views

STATIC = Path(__file__).parent / "static"
_IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w-]+\.js)";\n', re.M)
_EXPORT = re.compile(r"^export (?=(async )?function |const |let |class )", re.M)


def module_source(name):
    """static/<name> as one module: the course's modules it imports (`import {...} from
    "./common.js"`), inlined once each in their place, their `export` keywords dropped.

    A browser loads the files as they are on the website; anywidget in JupyterLab and Voila needs
    one module without relative imports.
    """
    seen = set()

    def inline(file, entry=False):
        if file in seen:
            return ""
        seen.add(file)
        text = _IMPORT.sub(lambda m: inline(m.group(1)), (STATIC / file).read_text())
        return text if entry else _EXPORT.sub("", text)

    return inline(name, entry=True)


@cache
def _plotly_js():
    """plotly.js as plotly.py ships it (the same release the website's bundle is)."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


def _send_plotly(widget, content, buffers):
    if isinstance(content, dict) and content.get("type") == "plotly.js?":
        widget.send({"type": "plotly.js"}, buffers=[_plotly_js()])


class LiveView(anywidget.AnyWidget):
    """The kernel side of a live view: checks each new `setting` against the controls and
    computes its `result`. A subclass sets `_esm`, `_controls` (a tuple of `views.Control`) and
    `compute(setting) -> dict of numbers`.

    A setting that cannot be computed (a value no control offers, a size beyond the budget) is
    refused: `setting` returns to the last one computed, so the controls never show a state the
    figure does not, and `error` says why. Moves from several threads are taken one at a time.
    """

    _css = "\n".join((STATIC / name).read_text() for name in ("panel.css", "chain.css"))
    spec = traitlets.Dict().tag(sync=True)
    setting = traitlets.Dict().tag(sync=True)
    result = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    _controls = ()

    def __init__(self, setting=None, *, controls=None, heading="", result=None, **options):
        controls = self._controls if controls is None else controls
        self._by_name = {c.name: c for c in controls}
        self._lock = threading.RLock()
        self._computed = setting
        state = {"spec": views.spec(controls, heading=heading, **options)}
        if setting is not None:  # complete when opened: the browser may draw it at once
            setting = self._check(setting)
            state |= {"setting": setting, "result": self.compute(setting)}
        elif result is not None:  # a fixed result, no controls
            state["result"] = result
        super().__init__(**state)
        self.on_msg(_send_plotly)
        self.observe(self._update, names="setting")

    def _check(self, setting):
        """The setting if every control's value is one it offers, else ValueError naming it."""
        for name, value in setting.items():
            control = self._by_name.get(name)
            if control is not None and value not in control.values:
                values = control.values
                shown = f"{values[0]!r} .. {values[-1]!r}" if len(values) > 8 else repr(values)
                raise ValueError(
                    f"{name} == {value!r}, must be one of the control's values {shown}"
                )
        return setting

    def _update(self, change):
        setting = dict(change["new"])
        if setting == self._computed:  # back to the last computed setting: nothing to do
            return
        with self._lock:
            try:
                result = self.compute(self._check(setting))
            except (TypeError, ValueError, MemoryError) as error:
                self.error = f"This setting cannot be computed: {error}"
                self.setting = self._computed  # the controls go back to what the figure shows
                return
            self._computed = setting
            self.error = ""
            self.result = result

    def set(self, **values):
        """Move controls from Python, as a student would in the browser: set(T=100)."""
        unknown = set(values) - set(self._by_name)
        if unknown:
            raise ValueError(
                f"no control named {sorted(unknown)}; the controls: {list(self._by_name)}"
            )
        with self._lock:
            new = {**self.setting, **values}
            self._check(new)
            self.setting = new

    @property
    def settings(self):
        """The controls' current values, by name."""
        return dict(self.setting)

    def compute(self, setting):
        raise NotImplementedError
