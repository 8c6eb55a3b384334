"""What Fieldbook's A4 PDFs share (the review, the collection sheets): the embedded CJK
font, the error a person may see when it is missing, the colours, and text that fits
one line.

The font is a TrueType CJK font from a Debian package (WenQuanYi Micro Hei, fonts-wqy-microhei):
TrueType outlines embed as a CIDFontType2 with a ToUnicode map, so the PDF's text can be
searched and copied. Noto Sans CJK (fonts-noto-cjk, CFF outlines) is the fallback: it prints
the same, but some PDF readers extract its text poorly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

# (file, face index in the collection), in order of preference.
FONT_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),  # 2 = SC face
)
FONT_PACKAGE = "fonts-wqy-microhei"
FAMILY = "cjk"
GREY, INK, RULE = (100, 100, 100), (20, 20, 20), (170, 170, 170)
HEADING_FILL = (232, 236, 241)

# Control characters: they print as boxes or break layouts.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ExportError(Exception):
    """An export cannot be made on this machine (e.g. a font is missing); the message says
    what to install and is safe to show to a person."""


def cjk_font(candidates: Sequence[tuple[Path, int]] | None = None) -> tuple[Path, int]:
    """The first installed CJK font of `candidates` (file, face index; default
    FONT_CANDIDATES); ExportError naming the Debian package to install when there is none."""
    for path, index in FONT_CANDIDATES if candidates is None else candidates:
        if path.is_file():
            return path, index
    raise ExportError(
        "The PDF needs a Chinese font that is not installed on this server. "
        f"Install the Debian package {FONT_PACKAGE} (sudo apt-get install {FONT_PACKAGE}, "
        "or run `make system-deps`), then try again."
    )


def font_problem() -> str | None:
    """Why a PDF cannot be made on this server (no CJK font), or None when it can."""
    try:
        cjk_font()
    except ExportError as error:
        return str(error)
    return None


def one_line(text: str) -> str:
    """Text for a one-line place: control characters dropped, blanks collapsed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def fit_text(pdf: FPDF, text: str, width: float) -> str:
    """`text` as it fits `width` in the current font: shortened with an ellipsis instead
    of overflowing into the next cell."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
