"""IPython startup file of the perturbation check (tests/test_portability.py).

Every parameter set that `rnnviz.init_params` makes is multiplied by (1 + 1e-12 * noise), noise
standard normal, before any notebook cell sees it. A claim that survives this is not an accident
of the last bit. Each nudged call is logged to the file named by RNNVIZ_NUDGE_LOG, so the test
can tell that the notebooks really ran nudged.
"""

import os
import sys

import numpy as np

import rnnviz.cells

_ORIGINAL = rnnviz.cells.init_params
_RNG = np.random.default_rng(int(os.environ.get("RNNVIZ_NUDGE_SEED", "0")))
_NUDGE = 1e-12


def _nudged_init_params(*args, **kwargs):
    params = _ORIGINAL(*args, **kwargs)
    with open(os.environ["RNNVIZ_NUDGE_LOG"], "a") as log:
        log.write(f"{params['W_ya'].dtype}\n")
    return {
        k: (v * (1 + _NUDGE * _RNG.standard_normal(v.shape))).astype(v.dtype)
        for k, v in params.items()
    }


# Replace the function wherever rnnviz already holds it; modules imported later take the
# replaced rnnviz.cells.init_params.
for _module in list(sys.modules.values()):
    if getattr(_module, "__name__", "").startswith("rnnviz"):
        for _name, _value in list(vars(_module).items()):
            if _value is _ORIGINAL:
                setattr(_module, _name, _nudged_init_params)
