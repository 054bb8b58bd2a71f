"""The unrolled network as a chain of steps, animated in the browser (anywidget).

The front end is static/chain.js and static/chain.css: an SVG chain coloured and sized by
||dL/da<k>||, with Play, Pause and Step, animated with requestAnimationFrame, so it plays at the
screen's frame rate without a round trip to the kernel per frame.
"""

from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).parent / "static"
SPEEDS = (20, 30, 60)  # time steps per second the animation offers


class GradientChain(anywidget.AnyWidget):
    """The unrolled network as a chain of steps, animated in the browser.

    `chain` is the dict of `views.chain_data`; Play, Pause and Step move the gradient backward
    one time step per frame at `speed` steps per second, with requestAnimationFrame.
    """

    _esm = STATIC / "chain.js"
    _css = STATIC / "chain.css"
    chain = traitlets.Dict().tag(sync=True)
    speed = traitlets.Int(30).tag(sync=True)
    speeds = traitlets.List(list(SPEEDS)).tag(sync=True)
