"""What every lesson's figures share, so that they look alike on every page and every
build writes the same SVG: matplotlib settings, power-of-ten tick labels, and the legend
in a row below the plots (a column on a phone). A lesson's ``facts.py`` draws its own
figures with these."""

from __future__ import annotations

import io

import numpy as np

_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def settings(salt: str, narrow: bool) -> dict:
    """matplotlib settings of a figure; ``salt`` keeps its ids stable from build to build,
    ``narrow`` is the phone's version (larger lettering)."""
    return {
        "svg.hashsalt": salt,
        "svg.fonttype": "path",  # glyphs as paths: no font needed where it is viewed
        "font.size": 11 if narrow else 10,
        "figure.facecolor": "white",  # readable on the site's dark palette too
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
    }


def power_of_ten_ticks(ax, axes: str = "xy") -> None:
    """Label the log ``axes`` of ``ax`` 10⁻⁸ in plain Unicode: matplotlib's default,
    mathtext, takes most of a figure's drawing time, and the site builds on every change."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    def label(value: float, _position) -> str:
        exponent = int(round(np.log10(value))) if value > 0 else 0
        return "10" + str(exponent).translate(_SUPERSCRIPT)

    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        axis.set_major_locator(LogLocator(base=10))
        axis.set_major_formatter(FuncFormatter(label))


def legend_below_as_svg(fig, ax, narrow: bool, bottom: tuple[float, float], columns: int) -> bytes:
    """``ax``'s legend in ``columns`` below the plots (one column on a phone), in the bottom
    ``bottom`` (narrow, wide) of the figure, then the figure as SVG, closed."""
    import matplotlib.pyplot as plt

    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=1 if narrow else columns,
        fontsize=10 if narrow else 9,
        frameon=False,
    )
    fig.tight_layout(rect=(0, bottom[0] if narrow else bottom[1], 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()
