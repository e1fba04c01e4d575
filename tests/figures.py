"""What a figure fit to show is, read off the drawn figure: the texts a reader sees, where
they fall, and whether anything was drawn at all.
"""

from __future__ import annotations

import itertools
from weakref import WeakKeyDictionary

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Figures drawn so far, each drawn once: the checks read a figure, never change it.
_DRAWN: WeakKeyDictionary[Figure, FigureCanvasAgg] = WeakKeyDictionary()


def drawn(fig: Figure) -> FigureCanvasAgg:
    """Draw the figure on an Agg canvas, as ``savefig`` would, and return the canvas."""
    if fig not in _DRAWN:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        _DRAWN[fig] = canvas
    return _DRAWN[fig]


def _tick_labels(fig: Figure) -> tuple[set[int], list[Text]]:
    """Every tick label's id, and the labels of ticks inside the view (the ones drawn)."""
    every: set[int] = set()
    shown: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(high - low, 1.0)
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                labels = (tick.label1, tick.label2)
                every.update(id(label) for label in labels)
                if low - slack <= tick.get_loc() <= high + slack:
                    shown += [label for label in labels if label.get_visible()]
    return every, shown


def texts(fig: Figure) -> list[Text]:
    """The texts a reader sees once the figure is drawn: titles, labels, legends, notes
    and the labels of ticks in view.
    """
    drawn(fig)
    ticks, shown = _tick_labels(fig)
    others = [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    return [t for t in [*others, *shown] if t.get_text().strip()]


def words(fig: Figure) -> list[str]:
    """The strings of the texts a reader sees."""
    return [t.get_text() for t in texts(fig)]


def _extent(text: Text, fig: Figure) -> Bbox:
    return text.get_window_extent(fig.canvas.get_renderer())


def _inside(box: Bbox, frame: Bbox) -> bool:
    """Whether ``box`` lies within ``frame``, give or take a pixel."""
    return (frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
            and frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1)


def cut_off(fig: Figure) -> list[str]:
    """Texts that run off the figure, or out of the panel that clips them, even by a pixel."""
    cut = []
    for text in texts(fig):
        box = _extent(text, fig)
        clip = text.get_clip_box() if text.get_clip_on() else None
        if not _inside(box, fig.bbox) or (clip is not None and not _inside(box, clip)):
            cut.append(text.get_text())
    return cut


def overlapping(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts drawn over each other (by more than a pixel each way)."""
    boxes = [(t.get_text(), _extent(t, fig)) for t in texts(fig)]
    pairs = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        wide = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        high = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if wide > 1 and high > 1:
            pairs.append((a, b))
    return pairs


def pixel_spread(fig: Figure) -> float:
    """Standard deviation of the drawn pixels' colours: 0 for a blank image."""
    return float(np.asarray(drawn(fig).buffer_rgba())[..., :3].std())
