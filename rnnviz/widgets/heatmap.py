"""The connectivity heatmap: which inputs can each output still feel?"""

from .._checks import check_choice, check_float, check_int, check_range
from ..activations import ACTIVATIONS
from ..figures import draw_connectivity, plot_connectivity
from ..figures.connectivity import FIXED_RANGE
from ..views import connectivity_map
from .panel import FigureWidget, Panel, figure_card, float_slider, int_slider, toggles


class ConnectivityHeatmap(Panel):
    """||d y_hat<t> / d x<k>|| for every output step t and earlier input step k, log colours.

    Parameters: weight_scale (default 0.9, in 0.1..3), T (default 30, in 2..100),
    activation (default "tanh"), n_a (default 32), seed (default 0).
    """

    def __init__(self, *, weight_scale=0.9, T=30, activation="tanh", n_a=32, seed=0):
        super().__init__()
        check_choice("activation", activation, tuple(ACTIVATIONS))
        self._n_a, self._seed = check_int("n_a", n_a), check_int("seed", seed, minimum=0)
        controls = {
            "weight_scale": float_slider(
                "σ_max(W_aa)",
                check_range("weight_scale", check_float("weight_scale", weight_scale), 0.1, 3),
                0.1, 3.0, 0.05,
            ),
            "T": int_slider("sequence length T", check_range("T", check_int("T", T), 2, 100),
                             2, 100),
            "activation": toggles("activation g", list(ACTIVATIONS), activation),
        }  # fmt: skip
        self.result = self._compute(**{k: c.value for k, c in controls.items()})
        self.figure = FigureWidget(plot_connectivity(self.result, z_range=FIXED_RANGE))
        self._assemble("Which inputs can each output still feel?", controls,
                       [figure_card(self.figure)])  # fmt: skip

    def _compute(self, *, weight_scale, T, activation):
        return connectivity_map(
            weight_scale=weight_scale, T=T, activation=activation, n_a=self._n_a, seed=self._seed
        )

    def update(self, change=None):
        self.result = self._compute(**self.settings)
        with self.figure.batch_update():
            draw_connectivity(self.figure, self.result, z_range=FIXED_RANGE)
