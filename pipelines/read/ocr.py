"""Scanned PDFs (no text layer): pages rendered at 300 dpi (pypdfium2), words recognised by
tesseract (Debian `tesseract-ocr` + `tesseract-ocr-chi-sim`, `--psm 4`, word boxes as TSV),
table cells cut along the ruling lines found in the image.

Every cell read this way is located "OCR 第p页 表t 第r行 第c列" and the report gets an
OCR_DERIVED warning listing them; the template's arithmetic is the cross-check, and a report
whose OCR numbers fail it gets an OCR_CHECK_FAILED error: it never looks clean.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from pipelines.read import limits
from pipelines.read.grid import Cell, Row, clean
from pipelines.read.readers.pdf import layer
from pipelines.read.report import Finding, NotAReport, Report

DPI = 300
# A cell whose least sure word the engine scores below this is named OCR_LOW_CONFIDENCE; its
# location says so (a clerk sees it beside the figure).
MIN_CONFIDENCE = 85
LOW_CONFIDENCE = " 识别置信度低"
MAX_SKEW = 3  # degrees a scan may be turned
MIN_SKEW = 0.2  # degrees below which a page is left as it is
# PP-OCR's detector scales a picture up until its shorter side is this long: a table's strip
# (a page wide, a few rows high) would become a picture several pages wide, 5–10× the time.
DETECT_SIDE = 1600
RUNNING_TEXT = 0.6  # of the page's width: a line of running text, not read by PP-OCR
POOR_SHARE = 0.25  # of a scan's OCR cells failing its checks: none of its OCR cells trusted
TIMEOUT_SECONDS = 120  # per page; a clean A4 page takes 3–6 s on one core
_MIN_ROW = DPI // 12  # px: the least height of a table row (a line of small print)
_MIN_LINE = DPI // 3  # px: a ruling line is at least 1/3 inch long; a character stroke is less
_DARK = 160  # grey level below which a pixel is ink
_RULE_FILL = 0.9  # share of a band's height a column separator covers
# What tesseract reads for digits in a value cell: letters of the same shape.
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1"}
)
_NUMBER_LIKE = re.compile(r"^[\dOoDlIi|,.]+$")
# Specks left where the ruling lines were erased, read as quotes and full stops.
_SPECKS = "\"'“”‘’。.,，·`"
_ZEROS = frozenset({"。", "○", "〇", "o", "O"})
_DASHES = frozenset({"一", "—", "-", "_", "~", "～"})  # chi_sim reads a printed dash as 一


@cache
def engine() -> str | None:
    """The OCR engine this machine has: "ppocr" (PP-OCRv4 through rapidocr-onnxruntime, its
    models inside the wheel: nothing is downloaded), else "tesseract" (Debian's, with the
    simplified-Chinese model), else None. XXGK_OCR names one of them."""
    wanted = os.environ.get("XXGK_OCR")
    if wanted in (None, "ppocr") and importlib.util.find_spec("rapidocr_onnxruntime"):
        return "ppocr"
    if wanted in (None, "tesseract") and shutil.which("tesseract") is not None:
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        ).stdout.split()
        if "chi_sim" in langs:
            return "tesseract"
    return None


def available() -> bool:
    return engine() is not None


def read(data: bytes) -> list[Row]:
    """A PDF without a text layer, page by page."""
    return read_pages(_pages(data))


def read_images(images: list[bytes | Row]) -> list[Row]:
    """Reports published as pictures (an image file, the images of a Word file or a page),
    one page each, scaled up to the width of an A4 page at DPI where they are smaller; rows
    of text between them (the text of a page whose tables are pictures) kept where they
    stand."""
    pictures = [i for i in images if isinstance(i, bytes)]
    limits.check_pages(len(pictures), limits.current())
    return read_pages((_grey(i) if isinstance(i, bytes) else i for i in images), "张图片")


def check_picture(data: bytes) -> Image.Image:
    """The picture, or UNREADABLE_DOCUMENT where it is damaged."""
    try:
        image = Image.open(io.BytesIO(data))
    except Exception as exc:  # a damaged picture: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", "图片文件已损坏或格式不支持，无法识别") from exc
    limits.check_pixels(image.width, image.height, 1, limits.current())  # before decoding it
    try:
        image.load()
    except Exception as exc:  # a damaged picture: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", "图片文件已损坏或格式不支持，无法识别") from exc
    return image


def _grey(data: bytes) -> np.ndarray:
    """The picture grey, at least an A4 page wide, and on white paper at least DETECT_SIDE
    high (a picture of one table is a strip)."""
    image = check_picture(data).convert("L")
    width = round(8.27 * DPI)  # A4
    if image.width < width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    if image.height < DETECT_SIDE:
        paper = Image.new("L", (image.width, DETECT_SIDE), 255)
        paper.paste(image, (0, 0))
        image = paper
    return np.array(image)


def read_pages(pages: Iterable[np.ndarray | Row], unit: str = "页") -> list[Row]:
    """Pages as pictures, and rows of text (kept as they are) between them. Section 一 (its
    figures are checked against the tables) is running text above the report's first table:
    lines as wide as most of the page are recognised there only (they are most of the time).
    Cells are located by page, or by picture (`unit`) where the document is pictures."""
    rows: list[Row] = []
    number, narrative = 0, True
    for page in pages:
        if isinstance(page, list):
            rows.append(page)
            narrative = narrative and len(page) == 1  # no table yet
            continue
        number += 1
        grey = deskewed(page)
        tables = _tables(grey < _DARK)
        above = (tables[0].top if tables else grey.shape[0]) if narrative else 0
        # The ruling lines are whited out: tesseract takes them for text and drops most
        # digits. PP-OCR wants only the line itself gone: a band ±4 px wide also took the top
        # and foot of the digits in a tightly ruled table (a real scan: 159 of 200 cells;
        # ±1 px: 196, the generated scans 200/200 and 198/198 either way).
        pad = 1 if engine() == "ppocr" else 4
        words = _words(Image.fromarray(_erase_rules(grey, tables, pad)), above)
        rows += page_rows(f"{number}{unit}", tables, words)
        narrative = narrative and not tables
    return rows


def deskewed(grey: np.ndarray) -> np.ndarray:
    """The page turned level: a scan fed in at a slant puts a ruling line across several
    pixel rows, and the table's lines are no longer found."""
    angle = skew_angle(grey)
    if abs(angle) < MIN_SKEW:  # turning costs sharpness: only where it is worth it
        return grey
    return np.asarray(Image.fromarray(grey).rotate(angle, resample=Image.BICUBIC, fillcolor=255))


def skew_angle(grey: np.ndarray) -> float:
    """The turn (degrees, up to MAX_SKEW either way, to a tenth) that makes the page's rows of
    ink sharpest: the variance of the row sums, on the page scaled down to ~1,000 px wide."""
    image = Image.fromarray(grey)
    factor = max(1, image.width // 1000)
    ink = Image.fromarray(((np.asarray(image.reduce(factor)) < _DARK) * 255).astype(np.uint8))

    def sharpness(tenths: int) -> float:
        rows = np.asarray(ink.rotate(tenths / 10, resample=Image.NEAREST), np.float32).sum(axis=1)
        return float(rows.var())

    # half degrees first, then tenths around the best of them
    coarse = max(range(-MAX_SKEW * 10, MAX_SKEW * 10 + 1, 5), key=lambda t: (sharpness(t), -abs(t)))
    fine = max(range(coarse - 4, coarse + 5), key=lambda t: (sharpness(t), -abs(t)))
    return fine / 10


def _pages(data: bytes) -> Iterator[np.ndarray]:
    """Each page as a grey image; pdfium used only under its lock, one page at a time."""
    import pypdfium2 as pdfium

    bounds = limits.current()
    with layer.LOCK:
        pdf = pdfium.PdfDocument(data)
        count = len(pdf)
    try:
        limits.check_pages(count, bounds)
        for index in range(count):
            with layer.LOCK:
                page = pdf[index]
                width, height = page.get_size()  # points
                limits.check_pixels(width * DPI / 72, height * DPI / 72, index + 1, bounds)
                bitmap = page.render(scale=DPI / 72, grayscale=True)
                grey = np.array(bitmap.to_pil().convert("L"))  # a copy: the bitmap is freed
                bitmap.close()
                page.close()
            yield grey
    finally:
        with layer.LOCK:
            pdf.close()


@dataclass
class Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, int, int]  # tesseract's block, paragraph, line
    confidence: float = 100.0  # the engine's, 0–100

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


def _words(image: Image.Image, running_above: int) -> list[Word]:
    """The words of a page; `running_above`: down to where lines of running text are read."""
    return _ppocr_words(image, running_above) if engine() == "ppocr" else _tesseract_words(image)


def _ppocr() -> Any:
    """The engine of this process: one made before a fork would be left with its thread pool in
    the parent (documents are read in forked children, pipelines.read.limits)."""
    return _ppocr_of(os.getpid())


@cache
def _ppocr_of(pid: int) -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # One core a page (the reading workers use the others); no angle classifier (it turns
    # "61" into "19"); small and faint boxes kept (lone 0 and 1 cells); every box kept,
    # scored (a low score is named OCR_LOW_CONFIDENCE).
    return RapidOCR(
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        use_cls=False,
        det_limit_side_len=DETECT_SIDE,
        det_box_thresh=0.3,
        det_unclip_ratio=2.0,
        text_score=0.0,
    )


def _ppocr_words(image: Image.Image, running_above: int) -> list[Word]:
    """PP-OCRv4's text boxes as words, one line each (a box is one line of text). Lines of
    running text as wide as most of the page are not recognised: they are most of the
    recognition time, and the tables, title, headings and date are all narrower; those above
    `running_above` (px of the page) are (section 一)."""
    ppocr = _ppocr()  # rapidocr-onnxruntime 1.4.4's own steps, as its __call__ runs them
    page = ppocr.load_img(np.asarray(image.convert("L")))
    height, width = page.shape[:2]
    scaled, ratio_h, ratio_w = ppocr.preprocess(page)
    record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    scaled, record = ppocr.maybe_add_letterbox(scaled, record)
    boxes, _ = ppocr.auto_text_det(scaled)
    if boxes is None or not len(boxes):
        return []
    corners = ppocr._get_origin_points(np.array(boxes), record, height, width)
    kept = [
        n
        for n, box in enumerate(boxes)
        if np.ptp(box[:, 0]) < RUNNING_TEXT * scaled.shape[1]
        or corners[n][:, 1].max() < running_above
    ]
    if not kept:
        return []
    boxes, corners = [boxes[n] for n in kept], corners[kept]
    found, _ = ppocr.text_rec(ppocr.get_crop_img_list(scaled, boxes), False)
    words = []
    for n, (box, (text, score)) in enumerate(zip(corners, found, strict=True)):
        if text.strip():
            (left, top), (right, bottom) = box.min(axis=0), box.max(axis=0)
            words.append(
                Word(
                    text.strip(),
                    int(left),
                    int(top),
                    int(right),
                    int(bottom),
                    (n, 0, 0),
                    100 * score,
                )
            )
    return words


def _tesseract_words(image: Image.Image) -> list[Word]:
    with tempfile.TemporaryDirectory(prefix="xxgk-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        try:
            out = subprocess.run(
                ["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "4", "tsv"],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core, same result every run
            )
        except subprocess.TimeoutExpired:
            raise NotAReport(
                "SCANNED_DOCUMENT", f"扫描件OCR识别超时（每页{TIMEOUT_SECONDS}秒），未读取"
            ) from None
    words = []
    lines = out.stdout.decode("utf-8", "replace").splitlines()
    header = lines[0].split("\t") if lines else []
    for line in lines[1:]:
        # Not csv: a word may be a lone quotation mark.
        r = dict(zip(header, line.split("\t"), strict=False))
        text = (r.get("text") or "").strip()
        if r.get("level") != "5" or not text:
            continue
        left, top = int(r["left"]), int(r["top"])
        words.append(
            Word(
                text,
                left,
                top,
                left + int(r["width"]),
                top + int(r["height"]),
                (int(r["block_num"]), int(r["par_num"]), int(r["line_num"])),
                float(r.get("conf") or 0),
            )
        )
    return words


# ---------------------------------------------------------------- ruling lines → cells


@dataclass
class _Table:
    top: int
    bottom: int
    left: int
    right: int
    bands: list[tuple[int, int, list[int]]]  # (top, bottom, column separators)


def _horizontal_lines(dark: np.ndarray) -> list[tuple[int, int, int]]:
    """(y, x0, x1) of every horizontal ruling line (runs of ink at least _MIN_LINE long)."""
    sums = np.cumsum(np.pad(dark, ((0, 0), (1, 0))).astype(np.int32), axis=1)
    run = (sums[:, _MIN_LINE:] - sums[:, :-_MIN_LINE]) == _MIN_LINE  # run starting at x
    lines: list[tuple[int, int, int]] = []
    for y in np.flatnonzero(run.any(axis=1)):
        xs = np.flatnonzero(run[y])
        x0, x1 = int(xs[0]), int(xs[-1]) + _MIN_LINE
        if lines and y - lines[-1][0] <= 4:  # the same line, a few pixels thick
            _, a, b = lines[-1]
            lines[-1] = (int(y), min(a, x0), max(b, x1))
        else:
            lines.append((int(y), x0, x1))
    return lines


def _separators(dark: np.ndarray, top: int, bottom: int, left: int, right: int) -> list[int]:
    """x of the vertical rules that cross the band from `top` to `bottom`."""
    inner = dark[top + 3 : bottom - 2, max(0, left - 3) : right + 4]
    if inner.shape[0] < 4:
        return []
    covered = np.flatnonzero(inner.mean(axis=0) >= _RULE_FILL)
    xs: list[int] = []
    for x in covered:
        x = int(x) + max(0, left - 3)
        if xs and x - xs[-1] <= 4:
            xs[-1] = x
        else:
            xs.append(x)
    return xs


def _tables(dark: np.ndarray) -> list[_Table]:
    """Runs of horizontal lines joined by vertical rules: the page's ruled tables."""
    tables: list[_Table] = []
    lines = _horizontal_lines(dark)
    for (y0, a0, b0), (y1, a1, b1) in pairwise(lines):
        left, right = min(a0, a1), max(b0, b1)
        seps = _separators(dark, y0, y1, left, right)
        if len(seps) < 2:
            continue  # nothing ruled between these lines: text between two tables
        if tables and tables[-1].bottom == y0:
            table = tables[-1]
            table.left, table.right = min(table.left, left), max(table.right, right)
        else:
            table = _Table(y0, y0, left, right, [])
            tables.append(table)
        table.bottom = y1
        table.bands.append((y0, y1, seps))
    for table in tables:
        _run_on_below(dark, table)
    return tables


def _run_on_below(dark: np.ndarray, table: _Table) -> None:
    """A table that runs on over a page break may have no line under its last row on the
    page (Word prints it so): its vertical rules go on below the last line. Where they do,
    for more than a row's height, that is a row too."""
    seps = table.bands[-1][2]
    y = table.bottom + 5
    while y < dark.shape[0] and all(dark[y, max(0, x - 3) : x + 4].any() for x in seps):
        y += 1
    if y - table.bottom >= _MIN_ROW:
        table.bands.append((table.bottom, y, seps))
        table.bottom = y


def _join(words: list[Word]) -> str:
    """Words in reading order: lines top to bottom, words left to right, no spaces (Chinese
    and numbers; tesseract splits both at random)."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: min(w.top for w in ws))
    return clean("".join(w.text for ws in ordered for w in sorted(ws, key=lambda w: w.left)))


def _value(text: str) -> str:
    """A value cell as printed: digits that OCR read as look-alike letters restored."""
    if text in _ZEROS and engine() == "ppocr":
        return "0"  # PP-OCR reads a lone 0 in a cell as a circle; tesseract's are specks
    text = text.strip(_SPECKS) or text
    if text in _DASHES:
        return "—"
    if _NUMBER_LIKE.match(text) and (any(ch.isdigit() for ch in text) or len(text) == 1):
        return text.translate(_DIGIT_LOOKALIKES)
    return text


def _erase_rules(grey: np.ndarray, tables: list[_Table], pad: int) -> np.ndarray:
    """The page with its tables' ruling lines whited out, `pad` px either side of each."""
    page = grey.copy()
    for t in tables:
        for top, bottom, seps in t.bands:
            for y in (top, bottom):
                page[max(0, y - pad) : y + pad + 1, max(0, t.left - pad) : t.right + pad + 1] = 255
            for x in seps:
                page[top : bottom + 1, max(0, x - pad) : x + pad + 1] = 255
    return page


def page_rows(page: str, tables: list[_Table], words: list[Word]) -> list[Row]:
    """The page's tables (cell by cell) and its text lines outside them, top to bottom."""
    blocks: list[tuple[int, Row]] = []
    placed: set[int] = set()
    for t_no, table in enumerate(tables, start=1):
        for r_no, (top, bottom, seps) in enumerate(table.bands, start=1):
            cells: Row = []
            for c_no, (x0, x1) in enumerate(pairwise(seps), start=1):
                inside = [
                    i
                    for i, w in enumerate(words)
                    if x0 < w.centre[0] < x1 and top < w.centre[1] < bottom
                ]
                placed.update(inside)
                text = _value(_join([words[i] for i in inside]))
                where = f"OCR 第{page} 表{t_no} 第{r_no}行 第{c_no}列"
                sure = min((words[i].confidence for i in inside), default=100.0)
                if sure < MIN_CONFIDENCE:
                    where += f"{LOW_CONFIDENCE}（{sure:.0f}%）"
                cells.append(Cell(text, where))
            blocks.append((top, cells))
    outside: dict[tuple[int, int, int], list[Word]] = {}
    for i, w in enumerate(words):
        in_table = any(
            t.left <= w.centre[0] <= t.right and t.top <= w.centre[1] <= t.bottom for t in tables
        )
        if i not in placed and not in_table:
            outside.setdefault(w.line, []).append(w)
    lines = sorted(outside.values(), key=lambda ws: min(w.top for w in ws))
    for n, ws in enumerate(lines, start=1):
        text = _join(ws)
        if text:
            blocks.append((min(w.top for w in ws), [Cell(text, f"OCR 第{page} 第{n}行")]))
    blocks.sort(key=lambda b: b[0])
    return [row for _, row in blocks]


# ---------------------------------------------------------------- findings


ARITHMETIC = ("T3_ROW_TOTAL", "T3_BALANCE", "T3_OUTCOME_SUM", "T4_TOTAL", "NON_NEGATIVE")


def findings(report: Report) -> list[Finding]:
    """Every OCR-derived cell named; the arithmetic as the cross-check of what OCR read;
    cells that no arithmetic checks (section 二) and cells read with low confidence named
    for a person to check: no OCR misread may pass unnamed."""
    cells = [p for p, loc in report.locations.items() if loc.startswith("OCR")]
    out = [
        Finding(
            "OCR_DERIVED",
            "warning",
            f"本报告是扫描件，{len(cells)}个数字由OCR从图像识别，发布前请对照原件核对",
            cells,
        )
    ]
    unchecked = [p for p in cells if p.startswith("proactive.")]
    if unchecked:
        out.append(
            Finding(
                "OCR_UNCHECKED",
                "warning",
                f"主动公开表的{len(unchecked)}个数字由OCR识别，没有勾稽关系可以校验，"
                "识别错误无法自动发现，必须对照原件核对",
                unchecked,
            )
        )
    # a cell where OCR saw nothing may be blank, or may have lost its digits
    unsure = [p for p in cells if LOW_CONFIDENCE in report.locations[p] or not report.printed[p]]
    if unsure:
        out.append(
            Finding(
                "OCR_LOW_CONFIDENCE",
                "warning",
                f"{len(unsure)}个数字OCR识别置信度低于{MIN_CONFIDENCE}%，可能识别有误，请对照原件核对",
                unsure,
            )
        )
    failed = [f for f in report.findings if f.rule in ARITHMETIC or f.rule == "COMPLETE"]
    named = sorted({c for f in failed for c in f.cells})
    if failed:
        # Most of a scan failing its checks: the OCR is not to be trusted anywhere in it
        # (misreads that happen to agree, zeros where digits were lost, pass no check).
        poor = len(named) >= POOR_SHARE * max(len(cells), 1)
        out.append(
            Finding(
                "OCR_CHECK_FAILED",
                "error",
                f"OCR识别的数字有{len(failed)}处未通过勾稽校验或缺失，可能识别有误，"
                + ("识别质量过低，本报告所有OCR数字都不可信，" if poor else "")
                + "必须对照原件人工核对",
                sorted(set(named) | set(cells)) if poor else named,
            )
        )
    return out
