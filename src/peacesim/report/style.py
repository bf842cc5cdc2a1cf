"""One look for every chart: the Okabe-Ito palette, readable type, and figures off-screen.

Charts are built on :class:`matplotlib.figure.Figure` directly (never pyplot), so nothing is
shown, no global figure registry grows, and no GUI backend is touched. matplotlib is imported
only inside these functions so ``import peacesim.report`` stays cheap for the CLI.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

#: Okabe & Ito (2008) colour-blind-safe palette, in the order series are given colours.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Beyond eight series: four more colours from Paul Tol's muted scheme, told apart from the eight
#: above (wine, dark green, indigo, olive), so up to twelve runs never share a colour.
EXTRA_COLOURS: tuple[str, ...] = ("#882255", "#117733", "#332288", "#999933")
PALETTE: tuple[str, ...] = OKABE_ITO + EXTRA_COLOURS
#: Line styles cycled after the twelve colours, so even more runs stay distinct.
LINE_STYLES: tuple[str, ...] = ("-", "--", ":", "-.")
#: Perceptually uniform, colour-blind-safe colour map for heatmaps and the map.
SEQUENTIAL_CMAP = "cividis"
#: Colours with a fixed meaning across charts.
REFERENCE_COLOUR = "#555555"
DISTINGUISHABLE_COLOUR = OKABE_ITO[3]
INDISTINCT_COLOUR = "#999999"
BAND_ALPHA = 0.22
#: Width of an average character of a 7.5-point footnote, in points (DejaVu Sans, with a margin):
#: footnotes wrap at the figure's width instead of running off it.
NOTE_CHAR_PT = 4.6

RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "figure.dpi": 100,
    "savefig.dpi": 110,  # PNG is embedded in the report: sharp on screen, small in the file (SVG for print)
    "savefig.bbox": None,  # constrained layout already fits everything; "tight" would draw twice
    "svg.hashsalt": "peacesim",  # deterministic SVG ids: the same chart gives the same file
    "svg.fonttype": "none",
    "lines.linewidth": 1.8,
}

P = ParamSpec("P")
R = TypeVar("R")


def overlay_alpha(runs: int) -> float:
    """Band opacity when ``runs`` series overlay: fainter as they multiply, so lines stay readable."""
    return BAND_ALPHA if runs <= 2 else max(0.06, BAND_ALPHA * 2 / runs)


def overlay_legend(ax: Axes, runs: int) -> None:
    """A legend beside the plot when many runs overlay (inside when few)."""
    if runs > 3:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    elif runs > 1:
        ax.legend(loc="best")


def colour(i: int) -> str:
    """The i-th series colour: twelve distinct colours, then they repeat (with :func:`line_style`)."""
    return PALETTE[i % len(PALETTE)]


def line_style(i: int) -> str:
    """The i-th series' line style: solid for the first twelve, then dashed, dotted, dash-dotted."""
    return LINE_STYLES[(i // len(PALETTE)) % len(LINE_STYLES)]


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a chart function with the peacesim rc settings, so artists it creates take the style."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import matplotlib

        with matplotlib.rc_context(RC):
            return func(*args, **kwargs)

    return wrapper


def new_figure(width: float = 7.5, height: float = 4.0) -> Figure:
    """An off-screen figure (Agg for PNG, SVG backend on save) in inches."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def note(fig: Figure, text: str) -> None:
    """A small grey footnote under the plot: replication counts, bands, credits.

    Drawn as the figure's x super-label so constrained layout makes room for it.
    """
    import textwrap

    width = max(40, int(fig.get_figwidth() * 72 / NOTE_CHAR_PT))  # characters that fit the figure's width
    text = "\n".join(textwrap.fill(line, width) for line in text.split("\n"))
    fig.supxlabel(text, x=0.01, ha="left", fontsize=7.5, color="#666666")


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Show shares 0..1 as percentages."""
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def band(ax: Axes, x: Any, mean: Any, low: Any, high: Any, *, colour_: str, label: str, alpha: float = BAND_ALPHA) -> None:
    """A mean line with a shaded band, the way every series with uncertainty is drawn."""
    ax.fill_between(x, low, high, color=colour_, alpha=alpha, linewidth=0)
    ax.plot(x, mean, color=colour_, label=label)


def axes_grid(fig: Figure, n: int, ncols: int = 3, **kwargs: Any) -> Iterator[Axes]:
    """``n`` axes in a grid of ``ncols`` columns; spare cells are not created."""
    nrows = -(-n // ncols)
    gs = fig.add_gridspec(nrows, min(ncols, n))
    first = None
    for i in range(n):
        ax = fig.add_subplot(gs[i // ncols, i % ncols], sharex=first, sharey=first, **kwargs)
        first = first or ax
        yield ax


#: Characters of a bold chart title per inch of figure width: a longer title (a 64-character scenario
#: name) wraps instead of running off the figure.
TITLE_CHARS_PER_INCH = 7.5


def _wrap_titles(fig: Figure) -> None:
    import textwrap

    width = max(20, int(fig.get_figwidth() * TITLE_CHARS_PER_INCH))
    for ax in fig.axes:
        for loc in ("left", "center", "right"):  # the style puts titles on the left
            title = ax.get_title(loc=loc)
            if len(title) > width and "\n" not in title:
                ax.set_title(textwrap.fill(title, width, break_long_words=True), loc=loc)


def save_figure(fig: Figure, base_path: Path | str) -> list[Path]:
    """Write ``base_path.png`` and ``base_path.svg``; return both paths.

    The caller picks the directory and name; this only adds the suffixes, creating the parent
    directory if needed. Dates are left out of the metadata so re-running gives identical files.
    """
    import matplotlib

    base = Path(base_path)
    base.parent.mkdir(parents=True, exist_ok=True)
    out = []
    engine = fig.get_layout_engine()
    try:
        with matplotlib.rc_context(RC):
            _wrap_titles(fig)  # in the style's context, so a re-set title keeps its weight and size
            for ext, meta in (("png", {"Software": "peacesim"}), ("svg", {"Date": None})):
                path = base.with_name(base.name + "." + ext)
                fig.savefig(path, format=ext, metadata=meta)
                out.append(path)
                # The layout is in figure fractions: solved once for the PNG, it holds for the SVG,
                # and solving it again is about a third of the time a save takes.
                fig.set_layout_engine("none")
    finally:
        fig.set_layout_engine(engine if engine is not None else "none")
    return out
