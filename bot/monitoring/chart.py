"""The digest's chart: commitments done / open / overdue, week by week, as a PNG.

matplotlib's object API on the Agg canvas: no pyplot, no global state, no display needed.
matplotlib (and numpy under it) is imported when the first chart is drawn, not when the bot
starts: it is most of the import time and of the idle memory of `minga run`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

COLOURS = {"done": "#2e7d32", "open": "#90a4ae", "overdue": "#c62828"}


def commitments_png(bars: Sequence[tuple[int, int, int]], labels: dict[str, str]) -> bytes:
    """bars: (done, open, overdue) per week, oldest first; labels: title, done, open, overdue,
    week (the x axis), already translated."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    weeks = list(range(len(bars)))
    done = [b[0] for b in bars]
    opened = [b[1] for b in bars]
    overdue = [b[2] for b in bars]
    axes.bar(weeks, done, color=COLOURS["done"], label=labels["done"])
    axes.bar(weeks, opened, bottom=done, color=COLOURS["open"], label=labels["open"])
    axes.bar(
        weeks,
        overdue,
        bottom=[d + o for d, o in zip(done, opened, strict=True)],
        color=COLOURS["overdue"],
        label=labels["overdue"],
    )
    axes.set_xticks(weeks, [str(len(bars) - 1 - w) for w in weeks])
    axes.set_xlabel(labels["week"])
    figure.suptitle(labels["title"])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize="small"
    )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
