"""The connectivity heatmap: which inputs can each output still feel?"""

from .._checks import check_int
from ..views import HEATMAP, connectivity_map, connectivity_numbers
from .live import LiveView, module_source


class ConnectivityHeatmap(LiveView):
    """||d y_hat<t> / d x<k>|| for every output step t and earlier input step k, log colours.

    Parameters: weight_scale (default 0.9, in 0.1..3 in steps of 0.05), T (default 30, in
    2..100), activation (default "tanh"), n_a (default 32), seed (default 0).
    Attributes: `setting`, `result`, `C` (the map of the setting, shape (T, T)).
    """

    _esm = module_source("heatmap.js")
    _controls = HEATMAP

    def __init__(self, *, weight_scale=0.9, T=30, activation="tanh", n_a=32, seed=0):
        self.network = {"n_a": check_int("n_a", n_a), "seed": check_int("seed", seed, minimum=0)}
        setting = {"weight_scale": weight_scale, "T": T, "activation": activation}
        super().__init__(setting, heading="Which inputs can each output still feel?")

    def compute(self, setting):
        self.C = connectivity_map(**setting, **self.network)
        return connectivity_numbers(self.C, setting=setting)
