"""PDF with a text layer: tables read cell by cell from ruling lines and character positions
(pdfplumber), the text around them as paragraphs, both in reading order.

Reading cells by position is what keeps multi-digit numbers whole and in their column; a
flattened text stream loses the column boundaries. A table that runs over a page break comes
out as the next rows of the grid, which is all the extractor needs.

Tables printed without ruling lines (WPS/Word with borders hidden, some "print to PDF"
output) are read from word positions: a row is a line of words ending in numbers, the columns
are the runs of numbers that line up down the table, named by the header above them (which
also shows a column left blank in every row). Where the columns cannot be told apart with
confidence the table's lines stay plain text, marked so that the report says why its numbers
were not read (`unread_tables`): a number is left out rather than put in the wrong column.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from pipelines.read.grid import Cell, Row, clean
from pipelines.read.report import NotAReport
from pipelines.read.values import is_number, is_value

# Fewer visible characters than this per page on average: the text layer is missing (a scan,
# perhaps with a stamped page number), and reading it would give an empty report, not zeros.
_MIN_CHARS_PER_PAGE = 20
# Only digits and page-number decoration ("- 3 -", "第3页 共6页"), in the top or bottom margin;
# a line of three numbers or more there is a table row.
_PAGE_NUMBER = re.compile(r"^[\s\-—–－第页共/／()（）]*\d{1,4}[\s\-—–－第页共/／()（）\d]*$")
_DIGITS = re.compile(r"\d+")
_MARGIN = 0.1  # of the page height
_SPACED_NUMBER = re.compile(r"^\d[\d\s,.]*\d$")
_SPACE = re.compile(r"\s+")
# A line that opens with section numbering starts a paragraph even when nothing else shows it.
_HEADING_START = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、]")
# Said in the location of a borderless table's lines left as text (see `unread_tables`).
UNREAD = "（无框线表格，未按列读取）"


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    unread: bool = False  # a row of a borderless table whose columns could not be told apart


@dataclass
class _Table:
    top: float
    rows: list[list[str | None]]  # None: a position covered by a merged cell


@dataclass
class _GridRow:
    """One row of a borderless table: (column number, text) of each cell it prints."""

    top: float
    table: int  # the same for every row of one table, over page breaks
    number: int  # row within the table's part on this page
    cells: list[tuple[int, str]]


_Block = _Line | _Table | _GridRow


@dataclass
class _Page:
    number: int
    page: Page  # without invisible graphics and doubled characters
    tables: list[_Table]
    boxes: list[tuple[float, float, float, float]]  # of the ruled tables
    lines: list[_Visual]  # lines of words outside the ruled tables


def read(data: bytes) -> list[Row]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_text_layer(pdf.pages)
            pages = [_prepare(n, page) for n, page in enumerate(pdf.pages, start=1)]
            grid = _borderless([line for page in pages for line in page.lines])
            blocks = [_read_page(page, grid) for page in pages]
    except NotAReport:
        raise
    except Exception as exc:  # pdfminer fails anywhere on damaged input: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", _unreadable_reason(exc)) from exc
    if not blocks:
        raise NotAReport("UNREADABLE_DOCUMENT", "PDF文件中没有页面，文件可能已损坏或不完整")
    return _rows(blocks)


def unread_tables(rows: list[Row]) -> list[str]:
    """Where a borderless table was left as text because its columns could not be told apart
    (the reader's `TABLE_LAYOUT` cases)."""
    return [c.location for row in rows for c in row if c.location.endswith(UNREAD)]


def _check_text_layer(pages: list[Page]) -> None:
    chars = [c["text"] for page in pages for c in page.chars if c["text"].strip()]
    if pages and len(chars) < _MIN_CHARS_PER_PAGE * len(pages):
        raise NotAReport("SCANNED_DOCUMENT", "扫描件（没有文字层），需要OCR识别，暂未读取")
    # A font without a Unicode map: pdfminer can only say "(cid:123)" for each character.
    if sum(c.startswith("(cid:") for c in chars) > len(chars) / 2:
        raise NotAReport(
            "UNREADABLE_DOCUMENT",
            "PDF的文字层无法解码（字体缺少Unicode映射），读不出文字，需要OCR识别",
        )


def _unreadable_reason(exc: Exception) -> str:
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]  # pdfplumber wraps pdfminer's error: name the real one
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "PDF文件已加密（需要密码才能打开），无法读取"
    return f"PDF文件已损坏或格式不正确，无法读取（{name}）"


# ---------------------------------------------------------------- one page


def _prepare(number: int, page: Page) -> _Page:
    """The page's ruled tables, and the lines of words outside them."""
    page = page.dedupe_chars().filter(_visible)  # fake bold prints each character twice
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    ruled = [
        _Table(t.bbox[1], [[_cell_text(c) for c in row] for row in t.extract()]) for t in tables
    ]
    outside = page.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, boxes))
    return _Page(number, page, ruled, boxes, _visual_lines(number, outside))


def _read_page(page: _Page, grid: _Grid) -> list[_Block]:
    """The page's tables and its text lines outside them, top to bottom."""
    rows = grid.rows.get(page.number, [])
    taken = page.boxes + [box for row in rows for box in row.boxes]
    outside = page.page.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, taken))
    unread = grid.unread.get(page.number, [])
    blocks: list[_Block] = [*page.tables, *(row.block for row in rows)]
    for line in outside.extract_text_lines(return_chars=True):
        text = clean(line["text"])
        margin = page.page.height * _MARGIN
        in_margin = line["top"] > page.page.height - margin or line["bottom"] < margin
        if not text or (in_margin and _page_number(text)):
            continue
        size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
        centre = (line["top"] + line["bottom"]) / 2
        flagged = any(top <= centre <= bottom for top, bottom in unread)
        blocks.append(
            _Line(line["top"], line["bottom"], line["x0"], line["x1"], size, text, flagged)
        )
    blocks.sort(key=lambda b: b.top)
    return blocks


def _page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text)) and len(_DIGITS.findall(text)) <= 2


def _visible(obj: dict[str, Any]) -> bool:
    """Drop graphics nobody sees (white boxes behind text): their edges make phantom tables."""
    if obj["object_type"] not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke") and not _white(obj.get("stroking_color"))
    filled = obj.get("fill") and not _white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


def _white(color: Any) -> bool:
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return False  # patterns and unknown colour spaces: assume visible
    if len(color) == 4:  # CMYK
        return all(v <= 0.02 for v in color)
    return len(color) in (1, 3) and all(v >= 0.98 for v in color)


def _inside(char: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _cell_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = clean(_join_lines(text.split("\n")))
    # Letter-spaced digits ("4 4 7 2 2 8" in a cell set to distributed alignment) are one number.
    return _SPACE.sub("", text) if _SPACED_NUMBER.match(text) else text


def _join_lines(lines: list[str]) -> str:
    """Chinese wraps anywhere and needs no space at a line break; Latin words do. Digits are
    joined: a number wrapped in a narrow cell is still one number."""
    out = ""
    for line in (s.strip() for s in lines):
        if out and line and out[-1].isascii() and out[-1].isalpha() and line[0].isascii():
            out += " "
        out += line
    return out


# ---------------------------------------------------------------- borderless tables
#
# A borderless table is found from its rows: lines whose words end in a run of numbers (blank
# markers such as – or / count as values too). Consecutive such rows of one font size form a
# table, also over a page break, until a line reaching into the numbers' columns (a heading, a
# paragraph, the next table's header) comes between them. Its columns are the runs of value
# words whose extents overlap down the table, which holds whatever the alignment (left, right
# or centred: values of one column always share a point). The header lines above name each
# column; a column named there with no value in any row is a column left blank throughout.
# Anything that does not fit that picture leaves the table unread.


@dataclass(frozen=True)
class _Word:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text: str  # cleaned (NFKC)

    @property
    def value(self) -> bool:
        return bool(self.text) and is_value(self.text)

    def overlaps(self, x0: float, x1: float) -> bool:
        return self.x0 < x1 and x0 < self.x1


@dataclass
class _Visual:
    """A line of words as printed: one row of a borderless table, a header line, or text."""

    page: int
    top: float
    bottom: float
    size: float
    words: list[_Word]  # left to right; label and header words closer than a space joined
    first_value: int  # where the run of value words that ends the line begins
    in_margin: bool  # in the top or bottom tenth of the page (running headers and footers)

    @property
    def values(self) -> list[_Word]:
        return self.words[self.first_value :]

    @property
    def numeric(self) -> bool:
        """Whether the line prints a table row: it ends in values, at least one a number or,
        after a label, all blank markers (行政强制 —)."""
        values = self.values
        return any(is_number(w.text) for w in values) or bool(values and self.first_value)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


@dataclass
class _Band:
    """Rows of numbers that may be one table, with the header lines printed above them."""

    size: float
    header: list[_Visual]
    rows: list[int] = field(default_factory=list)  # indices of its lines of numbers
    edge: float = float("-inf")  # where the label column ends (numbers left of it are labels)

    def values(self, line: _Visual) -> list[_Word]:
        """The line's values in the table's value columns (a digit of a label printed one
        character per line is not one)."""
        return [w for w in line.values if w.x0 > self.edge]


@dataclass
class _Parts:
    """The words one table row is printed with: its lines of numbers (a number wrapped in a
    narrow cell takes two) and the wrapped parts of its labels above and below them."""

    first: int  # index of its first line of numbers
    page: int
    top: float
    words: list[_Word]


@dataclass
class _PlacedRow:
    block: _GridRow
    boxes: list[tuple[float, float, float, float]]  # its words: not read again as text


@dataclass
class _Grid:
    rows: dict[int, list[_PlacedRow]] = field(default_factory=dict)  # by page
    unread: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # page: spans


def _visual_lines(number: int, page: Page) -> list[_Visual]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, return_chars=True)
    words.sort(key=lambda w: (w["top"] + w["bottom"]) / 2)
    groups: list[list[dict[str, Any]]] = []
    for word in words:
        centre = (word["top"] + word["bottom"]) / 2
        if groups:
            first = groups[-1][0]
            if abs(centre - (first["top"] + first["bottom"]) / 2) <= 0.3 * first["height"]:
                groups[-1].append(word)
                continue
        groups.append([word])
    margin = page.height * _MARGIN
    lines = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        text = clean(" ".join(w["text"] for w in group))
        top, bottom = min(w["top"] for w in group), max(w["bottom"] for w in group)
        in_margin = top > page.height - margin or bottom < margin
        if not text or (in_margin and _page_number(text)):
            continue
        chars = [c for w in group for c in w["chars"]]
        size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
        lines.append(_visual(number, top, bottom, size, group, in_margin))
    return lines


def _visual(
    number: int, top: float, bottom: float, size: float, group: list[Any], in_margin: bool
) -> _Visual:
    words: list[_Word] = []
    for w in group:
        word = _Word(number, w["x0"], w["x1"], w["top"], w["bottom"], clean(w["text"]))
        last = words[-1] if words else None
        # Words of a label or header set apart by a space or letter-spacing are one text; a
        # value is never joined (two numbers are two cells however close they are).
        if last and not last.value and not word.value and word.x0 - last.x1 < 0.6 * size:
            joined = _join_lines([last.text, word.text])
            bottom = max(last.bottom, word.bottom)
            words[-1] = _Word(number, last.x0, word.x1, last.top, bottom, joined)
        else:
            words.append(word)
    first = len(words)
    while first > 0 and words[first - 1].value:
        first -= 1
    if 0 < first < len(words) and words[first].x0 - words[first - 1].x1 < 0.6 * size:
        first = len(words)  # a number a space after its words is part of a sentence
    return _Visual(number, top, bottom, size, words, first, in_margin)


def _borderless(lines: list[_Visual]) -> _Grid:
    grid = _Grid()
    parts = [part for band in _bands(lines) for part in _parts(band, lines)]
    for n, band in enumerate(parts, start=1):
        table = _table(band, lines)
        if table is None:
            if _looks_like_table(band, lines):
                for i in band.rows:
                    row = lines[i]
                    grid.unread.setdefault(row.page, []).append((row.top, row.bottom))
            continue
        counters: Counter[int] = Counter()
        for row, cells in table:
            counters[row.page] += 1
            block = _GridRow(row.top, n, counters[row.page], cells)
            boxes = [(w.x0, w.top, w.x1, w.bottom) for w in row.words]
            grid.rows.setdefault(row.page, []).append(_PlacedRow(block, boxes))
    return grid


def _bands(lines: list[_Visual]) -> list[_Band]:
    """Runs of rows of numbers, each with the header lines just above its first row."""
    bands: list[_Band] = []
    pending: list[_Visual] = []  # lines since the last row of numbers
    for i, line in enumerate(lines):
        if not line.numeric:
            pending.append(line)
            continue
        current = bands[-1] if bands else None
        # Where this row's numbers start (a digit of a label set one character per line,
        # left of the labels seen so far, is not one of them).
        values = (current.values(line) if current else None) or line.values
        if (
            current is None
            or abs(line.size - current.size) > 0.5
            or any(_interrupts(p, values[0].x0, current.size) for p in pending)
        ):
            current = _Band(line.size, _header_block(pending, line))
            bands.append(current)
        current.rows.append(i)
        if line.first_value:
            current.edge = max(current.edge, line.words[line.first_value - 1].x1)
        pending = []
    return bands


def _interrupts(line: _Visual, start: float, size: float) -> bool:
    """A line between two rows of numbers that ends their table: it reaches into the columns
    of numbers (a heading, a paragraph, a header). A wrapped label stays in the label column;
    a page header or footer in another font size is passed over."""
    return line.x1 > start and not (line.in_margin and abs(line.size - size) > 0.5)


def _parts(band: _Band, lines: list[_Visual]) -> list[_Band]:
    """The band cut where a line between its rows is the header of the table's next part: it
    has words right of the label column, or under the headings of the part above
    (信息内容 本年处理决定数量, which ends before numbers set at the right of wide cells)."""
    edge = _label_edge(band, lines)
    heads = [w for line in band.header for w in line.words if w.x0 > edge]
    rows = set(band.rows)
    parts = [_Band(band.size, band.header, band.rows[:1])]
    for a, b in pairwise(band.rows):
        between = [lines[i] for i in range(a + 1, b) if i not in rows]
        if any(
            w.x0 > edge or any(w.overlaps(h.x0, h.x1) for h in heads)
            for line in between
            for w in line.words
        ):
            parts.append(_Band(band.size, _header_block(between, lines[b]), [b]))
        else:
            parts[-1].rows.append(b)
    return parts


def _label_edge(band: _Band, lines: list[_Visual]) -> float:
    """Where the label column ends: its words in the rows and in the label lines right
    against the rows (labels centred over two lines leave the line of numbers bare)."""
    edge = _labels_end(band, lines)
    values = [w.x0 for i in band.rows for w in lines[i].values if w.x0 > edge]
    start = min(values, default=edge)
    rows = set(band.rows)
    near = [
        w.x1
        for i in _fragments(band, lines, start)
        if any(j in rows and _gap(lines[i], lines[j]) <= band.size for j in (i - 1, i + 1))
        for w in lines[i].words
    ]
    return max([edge, *near])


def _labels_end(band: _Band, lines: list[_Visual]) -> float:
    """Where the labels printed on the rows' own lines end (-inf: no row shows its label)."""
    labelled = [lines[i] for i in band.rows if lines[i].first_value > 0]
    return max(
        (w.x1 for row in labelled for w in row.words[: row.first_value]), default=float("-inf")
    )


def _header_block(pending: list[_Visual], first: _Visual) -> list[_Visual]:
    """The lines printed right above a table's first row in its font size, top to bottom."""
    block: list[_Visual] = []
    below = first
    for line in reversed(pending):
        if (
            line.page != first.page
            or abs(line.size - first.size) > 0.5
            or below.top - line.bottom > 2.5 * first.size
        ):
            break
        block.insert(0, line)
        below = line
    return block


def _looks_like_table(band: _Band, lines: list[_Visual]) -> bool:
    """More than one number in a row, or rows of them: a table, whose numbers, when its
    columns are not certain, are left unread with a finding. A lone number is just text."""
    return len(band.rows) > 1 or any(len(lines[i].values) > 1 for i in band.rows)


def _table(band: _Band, lines: list[_Visual]) -> list[tuple[_Parts, list[tuple[int, str]]]] | None:
    """The table's rows (the lines each is printed on, and its cells), or None when its
    columns cannot be told apart with confidence."""
    # The label column ends where the labels of rows with a label end; a line whose numbers
    # all stand left of that is part of a label.
    edge = _labels_end(band, lines)
    labelled = [lines[i] for i in band.rows if lines[i].first_value > 0]
    if any(w.x0 <= edge for row in labelled for w in row.values):
        return None  # a label reaching past numbers of another row: columns not in line
    rows = [i for i in band.rows if any(w.x0 > edge for w in lines[i].values)]
    if not rows:
        return None
    band = _Band(band.size, band.header, rows, edge)
    columns = _columns(band, lines)
    if columns is None:
        return None
    groups = _row_groups(band, lines, columns)
    if groups is None:
        return None
    placed = [_place(parts.words, columns) for parts in groups]
    if any(p is None for p in placed):
        return None
    # Value columns keep their number in every row, after as many label columns as the
    # table's widest label part.
    width = max(len(p[0]) for p in placed if p is not None)
    return [
        (
            parts,
            [(c, text) for c, text in enumerate(labels, start=1)]
            + [(width + c, text) for c, text in enumerate(values, start=1)],
        )
        for parts, (labels, values) in zip(
            groups, [p for p in placed if p is not None], strict=True
        )
    ]


def _spans(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping intervals merged, left to right."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in sorted(intervals):
        if merged and x0 < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _columns(band: _Band, lines: list[_Visual]) -> list[tuple[float, float]] | None:
    """The extents of the table's value columns, left to right, or None when they cannot be
    told apart with confidence."""
    tolerance = max(1.0, 0.25 * band.size)
    rows = [lines[i] for i in band.rows]
    values = [(r, w) for r, row in enumerate(rows) for w in band.values(row)]
    columns = _spans([(w.x0, w.x1) for _, w in values])
    for x0, x1 in columns:
        members = [(r, w) for r, w in values if x0 <= w.x0 and w.x1 <= x1]
        if len({r for r, _ in members}) < len(members):
            return None  # two values of one line in one column: columns run into each other
        words = [w for _, w in members]
        spreads = (
            max(w.x0 for w in words) - min(w.x0 for w in words),
            max(w.x1 for w in words) - min(w.x1 for w in words),
            max(w.x0 + w.x1 for w in words) / 2 - min(w.x0 + w.x1 for w in words) / 2,
        )
        if min(spreads) > tolerance:
            return None  # neither left, right nor centre aligned: a value out of line
    blanks = _header_columns(band, columns, _label_edge(band, lines) - tolerance)
    if blanks is None:
        return None
    return sorted(columns + blanks)


def _gap(a: _Visual, b: _Visual) -> float:
    """The space between two lines of one page (negative where they overlap)."""
    return max(a.top - b.bottom, b.top - a.bottom)


def _header_columns(
    band: _Band, columns: list[tuple[float, float]], label_edge: float
) -> list[tuple[float, float]] | None:
    """Check the value columns against the header above them and return the columns it names
    that hold no value in any row (blank throughout); None when the two do not agree.

    The header lines above the first row are read upwards. Each column's heading words stack
    up (a wrapped heading: 结果维 / 持); a word over two stacks or two columns of values is a
    group heading (法人或其他组织, 行政诉讼). Every column of values must sit under exactly one
    stack (`_under`). A stack over no values is a column left blank in every row if it
    reaches down into the header rows of a neighbouring column, as a column heading does, and
    a title if it stands above both its neighbours; anything else means the layout is not
    certain.
    """
    stacks: list[list[float]] = []  # x0, x1, lowest and highest header line (0: the bottom)
    level = 0
    for line in reversed(band.header):
        words = [w for w in line.words if w.x0 >= label_edge]
        if not words:
            continue  # a label-column line (a wrapped corner cell): no say about columns
        for w in words:
            if sum(w.overlaps(*c) for c in columns) > 1:
                continue
            hit = [st for st in stacks if w.overlaps(st[0], st[1])]
            if len(hit) > 1:
                continue
            if hit:
                st = hit[0]
                st[0], st[1], st[3] = min(st[0], w.x0), max(st[1], w.x1), level
            else:
                stacks.append([w.x0, w.x1, level, level])
        level += 1
    if not stacks:
        return None  # nothing names the columns
    stacks.sort()
    under = _under(stacks, columns, max(1.0, 0.25 * band.size))
    if under is None:
        return None
    # A heading over no values is a blank column when it reaches down as far as the top of
    # a neighbouring column's heading (one with values, or itself a blank column); one whose
    # words all stand above the headings beside it is a title or a group heading over them
    # (第二十条第（一）项 centred over the table): no column.
    n = len(stacks)
    above = [
        not under[i] and n > 1 and all(st[2] > stacks[j][3] for j in (i - 1, i + 1) if 0 <= j < n)
        for i, st in enumerate(stacks)
    ]
    accepted = [u or a for u, a in zip(under, above, strict=True)]
    changed = True
    while changed:
        changed = False
        for i, st in enumerate(stacks):
            if not accepted[i] and any(
                0 <= j < len(stacks) and accepted[j] and st[2] <= stacks[j][3]
                for j in (i - 1, i + 1)
            ):
                accepted[i] = changed = True
    if not all(accepted):
        return None
    return [
        (st[0], st[1]) for st, u, a in zip(stacks, under, above, strict=True) if not u and not a
    ]


def _under(
    stacks: list[list[float]], columns: list[tuple[float, float]], tolerance: float
) -> list[bool] | None:
    """Which headings have a column of values under them; None unless every column of
    values sits under exactly one heading, the same one however the cells are aligned.

    A heading and its numbers need not overlap (a heading set left, its numbers right), so
    each way of aligning a cell gives each heading a stretch of the line: from its left end to
    the next heading's (set left), from the previous heading's right end to its own (set
    right), between the middles of the gaps to its neighbours (centred), or itself
    (overlapping). Every way that fits all columns must give the same headings."""
    n = len(stacks)
    # The outer stretches reach no further than the next one in (a single heading: anywhere,
    # as there is no other heading its values could be taken for).
    far = 1e9
    left_end = stacks[0][1] - (stacks[1][1] - stacks[0][1]) if n > 1 else -far
    right_end = stacks[-1][0] + (stacks[-1][0] - stacks[-2][0]) if n > 1 else far
    middles = [(a[1] + b[0]) / 2 for a, b in pairwise(stacks)]
    first, last = (stacks[0][0] + stacks[0][1]) / 2, (stacks[-1][0] + stacks[-1][1]) / 2
    middles = [2 * first - middles[0] if middles else -far, *middles]
    middles.append(2 * last - middles[-1] if n > 1 else far)
    ways = [
        [(st[0], st[1]) for st in stacks],
        [
            (st[0] - tolerance, stacks[i + 1][0] if i + 1 < n else right_end)
            for i, st in enumerate(stacks)
        ],
        [(stacks[i - 1][1] if i else left_end, st[1] + tolerance) for i, st in enumerate(stacks)],
        [(middles[i], middles[i + 1]) for i in range(n)],
    ]
    fits: set[tuple[int, ...]] = set()
    for j, stretches in enumerate(ways):
        found = []
        for x0, x1 in columns:
            if j == 0:  # overlapping
                hit = [i for i, (a, b) in enumerate(stretches) if a < x1 and x0 < b]
            else:
                hit = [i for i, (a, b) in enumerate(stretches) if a <= x0 and x1 <= b]
            if len(hit) != 1:
                break
            found.append(hit[0])
        else:
            if len(set(found)) == len(found):
                fits.add(tuple(found))
    if len(fits) != 1:
        return None  # no heading over a column, one over two, or the ways disagree
    taken = set(fits.pop())
    return [i in taken for i in range(n)]


def _row_groups(
    band: _Band, lines: list[_Visual], columns: list[tuple[float, float]]
) -> list[_Parts] | None:
    """The lines of each table row: its line of numbers, the parts of a number wrapped in a
    narrow cell, and the wrapped parts of its labels above or below it. None when lines of
    numbers crowd together in a way that does not read as one row with wrapped numbers."""
    start, size = columns[0][0], band.size
    # How far apart rows are: lines of numbers with a label that follow one another.
    gaps = sorted(
        lines[b].top - lines[a].bottom
        for a, b in pairwise(band.rows)
        if b == a + 1 and lines[a].page == lines[b].page and lines[b].first_value > 0
    )
    row_gap = gaps[len(gaps) // 2] if len(gaps) > 1 else None
    close = 0.6 * row_gap if row_gap is not None else 0.5 * size
    chains: list[list[int]] = []  # lines of numbers closer together than rows are
    for i in band.rows:
        last = chains[-1][-1] if chains else -1
        beside = last == i - 1 and lines[last].page == lines[i].page
        if (
            beside
            and lines[i].top - lines[last].bottom < close
            and len(band.values(lines[i])) != len(band.values(lines[last]))
        ):
            chains[-1].append(i)
            continue
        if beside and lines[i].first_value == 0 and _wrapped([last, i], band, lines, columns):
            return None  # the ends of wrapped numbers, or a row without a label: cannot tell
        chains.append([i])
    groups: list[_Parts] = []
    for chain in chains:
        if len(chain) > 1 and not _wrapped(chain, band, lines, columns):
            return None
        first = lines[chain[0]]
        groups.append(
            _Parts(chain[0], first.page, first.top, [w for i in chain for w in lines[i].words])
        )
    # Each word of the label lines between the rows goes with the nearer row, top to bottom,
    # so that a label wrapped over several lines follows its first line.
    for i in _fragments(band, lines, start):
        for word in lines[i].words:
            owner = _owner(i, word, groups, size, row_gap)
            if owner is not None:
                owner.words.append(word)
    return groups


def _wrapped(
    chain: list[int], band: _Band, lines: list[_Visual], columns: list[tuple[float, float]]
) -> bool:
    """Whether lines of numbers set closer than rows are one row whose numbers wrap in their
    cells: one line holds most of the row's values, and in a column with parts on several
    lines every part but the last fills the column (no value in it is wider)."""
    counts = sorted((len(band.values(lines[i])) for i in chain), reverse=True)
    if counts[0] == counts[1]:
        return False  # two full lines: two rows, too close to tell apart
    for col in columns:
        widest = max(
            (w.x1 - w.x0 for i in band.rows for w in band.values(lines[i]) if w.overlaps(*col)),
            default=0.0,
        )
        parts = [w for i in chain for w in band.values(lines[i]) if w.overlaps(*col)]
        if any(w.x1 - w.x0 < widest - 0.25 * band.size for w in parts[:-1]):
            return False
    return True


def _fragments(band: _Band, lines: list[_Visual], start: float) -> list[int]:
    """Lines in the table's label column around and between its rows: wrapped labels. A
    line under the table's headings (the header of the next part) is not one."""
    heads = (
        [w for h in band.header for w in h.words if w.x0 > band.edge + band.size]
        if band.edge > float("-inf")
        else []
    )

    def label_line(line: _Visual, row: _Visual) -> bool:
        return (
            line.page == row.page
            and abs(line.size - band.size) <= 0.5
            and line.x1 <= start
            and not any(w.overlaps(h.x0, h.x1) for w in line.words for h in heads)
        )

    first, last = band.rows[0], band.rows[-1]
    out = []
    i = first - 1
    while i >= 0 and label_line(lines[i], lines[first]):
        out.insert(0, i)
        i -= 1
    rows = set(band.rows)
    out += [i for i in range(first + 1, last) if i not in rows and label_line(lines[i], lines[i])]
    i = last + 1
    while i < len(lines) and label_line(lines[i], lines[last]):
        out.append(i)
        i += 1
    return out


def _owner(
    i: int, word: _Word, groups: list[_Parts], size: float, row_gap: float | None
) -> _Parts | None:
    """The row a word of a label line (line `i`) belongs to: the nearer of the rows around
    it, measured to the row's words in the same column, if it is as close as a wrapped line
    (top alignment puts the rest of a label under its first line, centring puts parts above
    and below the numbers). Outside the first and last rows only a word closer than the rows
    are to each other counts."""
    above = next((g for g in reversed(groups) if g.first < i), None)
    below = next((g for g in groups if g.first > i), None)
    reach = size if above is not None and below is not None else 0.6 * (row_gap or 0.5 * size)
    gaps: list[tuple[float, int, _Parts]] = []
    if above is not None and above.page == word.page:
        ends = [w for w in above.words if w.top < word.top]
        same = [w for w in ends if w.overlaps(word.x0, word.x1)] or ends
        if same:
            gaps.append((word.top - max(w.bottom for w in same), 0, above))
    if below is not None and below.page == word.page:
        starts = [w for w in below.words if w.top > word.top]
        same = [w for w in starts if w.overlaps(word.x0, word.x1)] or starts
        if same:
            gaps.append((min(w.top for w in same) - word.bottom, 1, below))
    if not gaps:
        return None
    gap, _, group = min(gaps, key=lambda g: (g[0], g[1]))
    return group if gap <= reach else None


def _place(
    words: list[_Word], columns: list[tuple[float, float]]
) -> tuple[list[str], list[str]] | None:
    """A row's label cells (label words stacked in one column are one text) and its value
    cells ("" where the row leaves a column blank). None when a word fits no single column."""
    start = columns[0][0]
    labels: list[tuple[float, float, str]] = []
    values = [""] * len(columns)
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if word.x1 <= start:
            for k, (x0, x1, text) in enumerate(labels):
                if word.overlaps(x0, x1):
                    labels[k] = (min(x0, word.x0), max(x1, word.x1), text + word.text)
                    break
            else:
                labels.append((word.x0, word.x1, word.text))
            continue
        hit = [c for c, (x0, x1) in enumerate(columns) if word.overlaps(x0, x1)]
        if len(hit) != 1 or not word.value:
            return None  # text or a number between or across columns
        values[hit[0]] = _join_lines([values[hit[0]], word.text])
    if any(v and not is_value(v) for v in values):
        return None
    return [text for _, _, text in sorted(labels)], values


# ---------------------------------------------------------------- the whole document


def _rows(pages: list[list[_Block]]) -> list[Row]:
    lines = [b for blocks in pages for b in blocks if isinstance(b, _Line)]
    # The body text's margins: the outermost line ends that more than one line shares (titles
    # are centred, first lines indented, last lines short; a stray mark counts once).
    left = _shared(sorted(round(b.x0) for b in lines))
    right = _shared(sorted((round(b.x1) for b in lines), reverse=True))
    rows: list[Row] = []
    for number, blocks in enumerate(pages, start=1):
        rows.extend(_page_rows(number, blocks, left, right))
    return rows


def _page_rows(number: int, blocks: list[_Block], left: float, right: float) -> list[Row]:
    items: list[_Table | _GridRow | list[_Line]] = []  # tables and paragraphs (runs of lines)
    for block in blocks:
        if not isinstance(block, _Line):
            items.append(block)
        elif (
            items and isinstance(items[-1], list) and _continues(items[-1][-1], block, left, right)
        ):
            items[-1].append(block)
        else:
            items.append([block])
    rows: list[Row] = []
    tables = paragraphs = 0
    borderless: dict[int, int] = {}  # table id: its number on this page
    for item in items:
        if isinstance(item, list):
            paragraphs += 1
            text = clean(_join_lines([line.text for line in item]))
            where = f"第{number}页 第{paragraphs}段"
            rows.append([Cell(text, where + UNREAD if any(x.unread for x in item) else where)])
            continue
        if isinstance(item, _GridRow):
            if item.table not in borderless:
                tables += 1
                borderless[item.table] = tables
            t = borderless[item.table]
            rows.append(
                [
                    Cell(text, f"第{number}页 表{t} 第{item.number}行 第{c}列")
                    for c, text in item.cells
                ]
            )
            continue
        tables += 1
        for r, texts in enumerate(item.rows, start=1):
            rows.append(
                [
                    Cell(text or "", f"第{number}页 表{tables} 第{r}行 第{c}列", text is None)
                    for c, text in enumerate(texts, start=1)
                ]
            )
    return rows


def _shared(values: list[int]) -> float:
    """The first value that occurs at least twice, else the first."""
    repeated = next((v for v, w in pairwise(values) if v == w), None)
    return float(repeated if repeated is not None else values[0] if values else 0)


def _continues(prev: _Line, line: _Line, left: float, right: float) -> bool:
    """Whether `line` goes on with the paragraph that `prev` ends."""
    size = max(prev.size, line.size)
    if abs(prev.size - line.size) > 1 or line.top - prev.bottom > size:
        return False
    if _HEADING_START.match(line.text):
        return False
    centre = (left + right) / 2
    if all(abs((x.x0 + x.x1) / 2 - centre) < size and x.x0 > left + size for x in (prev, line)):
        return True  # a title centred over two lines
    # First-line indent or a short previous line marks a new paragraph.
    return line.x0 < left + size / 2 and prev.x1 > right - 2 * size
