"""A page's text layer and graphics, from pdfium: each character with its box and font size,
and the painted paths, in page coordinates measured from the top left (as pdfplumber gives
them, so that every tolerance of the readers keeps its meaning).

A character's box is the one pdfminer draws: from its origin across its advance width, from
the font's descent below the baseline up one font size. pdfium's own boxes are the glyph's
outline (or, for some fonts, sized by the ascent), which would move text lines and the
centres by which characters are placed in table cells.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

Point = tuple[float, float]

# PDFium is not thread-safe, not even for two documents: two threads in it at once corrupt the
# process's heap (pypdfium2's docs; seen here as glibc aborting when the collector's threads
# asked whether attachments were reports). Every use of pdfium holds this lock: PDFs are read
# in parallel by processes, never by threads.
LOCK = threading.RLock()


def _fresh_lock() -> None:
    # A document is read in a forked child (pipelines.read.limits): a lock another thread held
    # at the fork would never be released there.
    global LOCK
    LOCK = threading.RLock()


os.register_at_fork(after_in_child=_fresh_lock)

# pdfminer measures the 14 standard fonts (and their Windows names) by Adobe's metrics, not by
# the PDF or the font pdfium puts in their place: their descents, per point of font size.
_AFM_DESCENTS = {
    **dict.fromkeys(
        ("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique", "CourierNew",
         "CourierNew,Italic", "CourierNew,Bold", "CourierNew,BoldItalic"),
        -0.194,
    ),
    **dict.fromkeys(
        ("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique", "Arial",
         "Arial,Italic", "Arial,Bold", "Arial,BoldItalic"),
        -0.207,
    ),
    **dict.fromkeys(
        ("Times-Roman", "Times-Bold", "Times-BoldItalic", "Times-Italic", "TimesNewRoman",
         "TimesNewRoman,Italic", "TimesNewRoman,Bold", "TimesNewRoman,BoldItalic"),
        -0.217,
    ),
    "Symbol": 0.0,
    "ZapfDingbats": 0.0,
}  # fmt: skip


@dataclass(slots=True)  # not frozen: made for every character, frozen is twice as slow
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the box's height: the font size as printed
    font: str
    upright: bool
    unmapped: bool  # the font has no Unicode for it: its text is not known


@dataclass(frozen=True, slots=True)
class Path:
    """One painted subpath: its operators (m, l, c, h, as in the content stream) and the
    point each ends at ("h": back at the start)."""

    shape: str
    points: list[Point]
    stroke: bool
    fill: bool
    stroke_color: tuple[int, int, int] | None  # RGB 0-255; None: a pattern, not known
    fill_color: tuple[int, int, int] | None


@dataclass
class Page:
    number: int
    height: float
    chars: list[Char]  # in the order they are printed
    paths: list[Path]


@dataclass(frozen=True, slots=True)
class _Run:
    """What the characters of one text object share."""

    matrix: tuple[float, float, float, float]  # a, b, c, d: the text's scale and rotation
    size: float  # the font size (Tf)
    font: int  # pdfium's handle
    name: str
    descent: float  # below the baseline, per point of font size (negative)


def pages(pdf: pdfium.PdfDocument) -> Iterator[Page]:
    for number, page in enumerate(pdf, start=1):
        try:
            yield read_page(number, page)
        finally:
            page.close()


def read_page(number: int, page: pdfium.PdfPage) -> Page:
    frame = _frame(page)
    objects = list(_objects(ctypes.cast(page.raw, ctypes.c_void_p).value))
    # pdfium's text page puts some text (turned, for one) out of the order it is printed in;
    # pdfminer, and all that was tuned on it, keeps the content's order.
    printed = {obj: i for i, (obj, kind, _) in enumerate(objects) if kind == raw.FPDF_PAGEOBJ_TEXT}
    text = page.get_textpage()
    try:
        chars = _chars(text.raw, frame, printed)
    finally:
        text.close()
    paths = [
        path
        for obj, kind, matrix in objects
        if kind == raw.FPDF_PAGEOBJ_PATH
        for path in _paths(obj, matrix, frame)
    ]
    return Page(number, frame.height, chars, paths)


@dataclass(frozen=True, slots=True)
class _Frame:
    """From PDF user space to the page as pdfplumber measures it: turned as the page is
    shown (/Rotate), then from the top left of its MediaBox."""

    ctm: tuple[float, float, float, float, float, float]  # the turn, as pdfminer applies it
    height: float
    left: float
    top: float

    def point(self, x: float, y: float) -> Point:
        """(x, top) of a point in user space."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e + self.left, self.height - (b * x + d * y + f) + self.top


def _frame(page: pdfium.PdfPage) -> _Frame:
    # pdfium reads no MediaBox inherited from the page tree: then the page's visible box.
    box = page.get_mediabox(fallback_ok=False) or page.get_bbox()
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    turn = page.get_rotation() % 360
    ctm = {
        90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
    }.get(turn, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
    if turn in (90, 270):
        x0, y0, x1, y1 = y0, x0, y1, x1
    return _Frame(ctm, y1 - y0, x0, -y0)


# ---------------------------------------------------------------- characters


def _plain(function: Any, restype: Any, *argtypes: Any) -> Any:
    """The pdfium function called with plain integers and addresses: the typed bindings'
    checks and conversions are most of what a call costs, and a page takes several calls for
    each of its hundreds of characters."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_generated = _plain(raw.FPDFText_IsGenerated, _I, _P, _I)
_unicode = _plain(raw.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)
_unmapped = _plain(raw.FPDFText_HasUnicodeMapError, _I, _P, _I)
_text_object = _plain(raw.FPDFText_GetTextObject, _P, _P, _I)
_origin = _plain(raw.FPDFText_GetCharOrigin, _I, _P, _I, _P, _P)
_matrix = _plain(raw.FPDFText_GetMatrix, _I, _P, _I, _P)
_font_size = _plain(raw.FPDFText_GetFontSize, ctypes.c_double, _P, _I)
_font = _plain(raw.FPDFTextObj_GetFont, _P, _P)
_font_name = _plain(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, _P, _P, ctypes.c_size_t)
_descent = _plain(raw.FPDFFont_GetDescent, _I, _P, ctypes.c_float, _P)
_glyph_width = _plain(raw.FPDFFont_GetGlyphWidth, _I, _P, ctypes.c_uint, ctypes.c_float, _P)


def _chars(textpage: Any, frame: _Frame, printed: dict[int, int]) -> list[Char]:
    """The characters, in the order their text objects are printed."""
    text = ctypes.cast(textpage, ctypes.c_void_p).value
    runs = _Runs(text, frame)
    widths: dict[tuple[int, int, float], float] = {}  # by font, character and size
    x, y, width = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    at_x, at_y, at_width = ctypes.addressof(x), ctypes.addressof(y), ctypes.addressof(width)
    chars: list[tuple[int, Char]] = []
    for i in range(raw.FPDFText_CountChars(textpage)):
        if _generated(text, i):
            continue  # a space or line break pdfium inferred; pdfminer has none
        obj = _text_object(text, i)
        run = runs.of(i, obj)
        code = _unicode(text, i)
        _origin(text, i, at_x, at_y)
        key = (run.font, code, run.size)
        advance = widths.get(key)
        if advance is None:
            found = _glyph_width(run.font, code, run.size, at_width)
            advance = widths[key] = width.value if found else 0.0
        unmapped = bool(_unmapped(text, i))
        letter = chr(code) if code <= 0x10FFFF else "\ufffd"
        char = _char(letter, x.value, y.value, advance, run, frame, unmapped)
        chars.append((printed.get(obj, len(printed)), char))
    chars.sort(key=lambda c: c[0])  # stable: a text object's characters keep their order
    return [char for _, char in chars]


class _Runs:
    """What the characters of each text object share: asked once an object, made once a
    style (WPS prints every character as an object of its own)."""

    def __init__(self, text: int, frame: _Frame) -> None:
        self.text, self.frame = text, frame
        self.by_object: dict[int, _Run] = {}
        self.by_style: dict[tuple[float, float, float, float, int, float], _Run] = {}
        self.matrix = raw.FS_MATRIX()
        self.at_matrix = ctypes.addressof(self.matrix)

    def of(self, i: int, obj: int) -> _Run:
        run = self.by_object.get(obj)
        if run is None:
            m = self.matrix
            _matrix(self.text, i, self.at_matrix)
            style = (m.a, m.b, m.c, m.d, _font(obj), _font_size(self.text, i))
            run = self.by_style.get(style)
            if run is None:
                run = self.by_style[style] = self._run(*style)
            self.by_object[obj] = run
        return run

    def _run(self, a: float, b: float, c: float, d: float, font: int, size: float) -> _Run:
        a, b, c, d, _, _ = _multiply((a, b, c, d, 0.0, 0.0), self.frame.ctm)
        name = _name(font)
        return _Run((a, b, c, d), size, font, name, _font_descent(font, name))


def _name(font: int) -> str:
    size = _font_name(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    _font_name(font, ctypes.addressof(buffer), size)
    return buffer.value.decode("utf-8", "replace")


def _font_descent(font: int, name: str) -> float:
    if name in _AFM_DESCENTS:
        return _AFM_DESCENTS[name]
    out = ctypes.c_float()
    _descent(font, 1.0, ctypes.addressof(out))
    # The font descriptor's /Descent; some writers give it positive, as pdfminer corrects.
    return -abs(out.value)


def _char(
    text: str, x: float, y: float, advance: float, run: _Run, frame: _Frame, unmapped: bool
) -> Char:
    """The character's box as pdfminer computes it: its box in text space, from (0, descent)
    to (advance, descent + size), through the text's matrix."""
    a, b, c, d = run.matrix
    p, q, r, s, e, f = frame.ctm
    x, y = p * x + r * y + e, q * x + s * y + f  # the origin on the page as shown
    low = run.descent * run.size
    high = low + run.size
    # All four corners: a turned character's box is the upright box around it.
    xs = (c * low + x, a * advance + c * low + x, a * advance + c * high + x, c * high + x)
    ys = (d * low + y, b * advance + d * low + y, b * advance + d * high + y, d * high + y)
    x0, x1 = min(xs) + frame.left, max(xs) + frame.left
    y0, y1 = min(ys), max(ys)
    top, bottom = frame.height - y1 + frame.top, frame.height - y0 + frame.top
    upright = a * d > 0 and b * c <= 0
    return Char(text, x0, x1, top, bottom, y1 - y0, run.name, upright, unmapped)


# ---------------------------------------------------------------- graphics


_count_objects = _plain(raw.FPDFPage_CountObjects, _I, _P)
_page_object = _plain(raw.FPDFPage_GetObject, _P, _P, _I)
_count_form_objects = _plain(raw.FPDFFormObj_CountObjects, _I, _P)
_form_object = _plain(raw.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_object_type = _plain(raw.FPDFPageObj_GetType, _I, _P)
_object_matrix = _plain(raw.FPDFPageObj_GetMatrix, _I, _P, _P)
_draw_mode = _plain(raw.FPDFPath_GetDrawMode, _I, _P, _P, _P)
_stroke_color = _plain(raw.FPDFPageObj_GetStrokeColor, _I, _P, _P, _P, _P, _P)
_fill_color = _plain(raw.FPDFPageObj_GetFillColor, _I, _P, _P, _P, _P, _P)
_count_segments = _plain(raw.FPDFPath_CountSegments, _I, _P)
_segment = _plain(raw.FPDFPath_GetPathSegment, _P, _P, _I)
_segment_point = _plain(raw.FPDFPathSegment_GetPoint, _I, _P, _P, _P)
_segment_type = _plain(raw.FPDFPathSegment_GetType, _I, _P)
_segment_closes = _plain(raw.FPDFPathSegment_GetClose, _I, _P)


def _objects(page: int) -> Iterator[tuple[int, int, tuple[float, ...]]]:
    """The page's text and path objects in the order they are printed, each with its kind
    and matrix, also those inside form XObjects."""
    for i in range(_count_objects(page)):
        yield from _walk(_page_object(page, i), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))


def _walk(obj: int, outer: tuple[float, ...]) -> Iterator[tuple[int, int, tuple[float, ...]]]:
    kind = _object_type(obj)
    if kind == raw.FPDF_PAGEOBJ_TEXT:
        yield obj, kind, outer  # its characters come placed from the text page
        return
    if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
        return
    m = raw.FS_MATRIX()
    _object_matrix(obj, ctypes.addressof(m))
    matrix = _multiply((m.a, m.b, m.c, m.d, m.e, m.f), outer)
    if kind == raw.FPDF_PAGEOBJ_PATH:
        yield obj, kind, matrix
        return
    for i in range(_count_form_objects(obj)):
        yield from _walk(_form_object(obj, i), matrix)


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n (row vectors, as PDF writes matrices)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t,
            e * q + f * s + u)  # fmt: skip


def _paths(obj: int, matrix: tuple[float, ...], frame: _Frame) -> list[Path]:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    _draw_mode(obj, ctypes.addressof(fill_mode), ctypes.addressof(stroke))
    if not fill_mode.value and not stroke.value:
        return []  # a clipping path, or one ended without painting
    colors = _color(obj, _stroke_color), _color(obj, _fill_color)
    a, b, c, d, e, f = matrix
    place = frame.point
    x, y = ctypes.c_float(), ctypes.c_float()
    at_x, at_y = ctypes.addressof(x), ctypes.addressof(y)
    subpaths: list[tuple[list[str], list[Point]]] = []
    bezier = 0  # pdfium gives a curve as three points: two control points, then its end
    for i in range(_count_segments(obj)):
        segment = _segment(obj, i)
        _segment_point(segment, at_x, at_y)
        at = place(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = _segment_type(segment)
        bezier = bezier + 1 if kind == raw.FPDF_SEGMENT_BEZIERTO else 0
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append((["m"], [at]))
        elif kind == raw.FPDF_SEGMENT_LINETO or bezier == 3:
            subpaths[-1][0].append("l" if kind == raw.FPDF_SEGMENT_LINETO else "c")
            subpaths[-1][1].append(at)
            bezier = 0
        if _segment_closes(segment):
            subpaths[-1][0].append("h")
            subpaths[-1][1].append(subpaths[-1][1][0])
    fill, stroked = bool(fill_mode.value), bool(stroke.value)
    return [Path("".join(ops), pts, stroked, fill, *colors) for ops, pts in subpaths]


def _color(obj: int, get: Callable[..., int]) -> tuple[int, int, int] | None:
    rgba = (ctypes.c_uint * 4)()
    at = ctypes.addressof(rgba)
    size = ctypes.sizeof(ctypes.c_uint)
    if not get(obj, at, at + size, at + 2 * size, at + 3 * size):
        return None
    return rgba[0], rgba[1], rgba[2]
