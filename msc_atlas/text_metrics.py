"""How wide a label will be drawn, estimated on the server, so a figure can arrive with margins that already fit.

plotly.js grows a margin to fit the tick labels (`automargin`) by drawing the chart, measuring, and drawing it all
again: about half of each chart's first draw (bench/NOTES.md, "Margins that already fit"). When the margin it is
given is already wide enough, the second pass never happens. The estimate uses Helvetica's published character
widths (Adobe AFM, in thousandths of an em) scaled up to the widest common sans-serif a browser may pick for
`system-ui` (DejaVu Sans, the Linux default, is up to about 18 % wider on lower case). automargin stays on, so a
font wider still costs time, never a cut label.
"""

from __future__ import annotations

import math

# Helvetica widths, 1/1000 em (Adobe Core14 AFM); characters not listed count as the widest listed lower case
_NARROW = {" ": 278, "/": 278, ".": 278, ",": 278, ":": 278, ";": 278, "'": 191, "’": 222, "|": 260, "!": 278}
_PUNCTUATION = {"-": 333, "–": 556, "(": 333, ")": 333, "×": 584, "&": 667, "+": 584, "%": 889, "?": 556}
_UPPER = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            667,
            667,
            722,
            722,
            667,
            611,
            778,
            722,
            278,
            500,
            667,
            556,
            833,
            722,
            778,
            667,
            778,
            722,
            667,
            611,
            722,
            667,
            944,
            667,
            667,
            611,
        ],
    )
)
_LOWER = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        [
            556,
            556,
            500,
            556,
            556,
            278,
            556,
            556,
            222,
            222,
            500,
            222,
            833,
            556,
            556,
            556,
            556,
            333,
            500,
            278,
            556,
            500,
            722,
            500,
            500,
            500,
        ],
    )
)
_WIDTHS = {**_NARROW, **_PUNCTUATION, **_UPPER, **_LOWER, **dict.fromkeys("0123456789", 556)}
_OTHER = 611  # accented letters, symbols: a little above the average letter
FONT_SCALE = 1.2  # the widest likely system-ui font relative to Helvetica (DejaVu Sans: up to ~18 %)


def text_width(text: str, size: float) -> float:
    """Pixels that `text` takes at font `size` (px) in the widest likely sans-serif."""
    return sum(_WIDTHS.get(char, _OTHER) for char in text) / 1000 * size * FONT_SCALE


def widest(labels, size: float) -> float:
    """The widest of `labels` (0 for none)."""
    return max((text_width(str(label), size) for label in labels), default=0.0)


def rotated_height(width: float, size: float, degrees: float) -> float:
    """The height a label of `width` px takes when drawn at `degrees` from horizontal."""
    angle = math.radians(abs(degrees))
    return width * math.sin(angle) + size * math.cos(angle)
