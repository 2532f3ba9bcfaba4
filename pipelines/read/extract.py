"""From a grid of cells (any format) to the template model.

Rows are recognised by label *and* position: within section 三 a label may only name a row
after the last one found, and numbers printed on a line whose label names no row (PDF text
often puts a row's numbers beside its group heading) go to the next row that has a label but
no numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pipelines.read import digits, narrative
from pipelines.read import template as t
from pipelines.read.grid import Cell, Row, row_text
from pipelines.read.report import Finding, NotAReport, Report
from pipelines.read.values import (
    BLANK_MARKERS,
    UNITS,
    fit,
    has_number,
    header_money_unit,
    is_value,
    live,
    printed_unit,
    shown,
    to_decimal,
    value_suffix,
)
from pipelines.text import CN_DIGIT_CHARS, cn_digits, cn_small

_NUMBERING = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）]?[、.．]?|[(（]?\d{1,2}[)）]|\d{1,2}[、.．]|[①-⑳]|\.|"
    r"\d{1,2}(?=[\u4e00-\u9fff]))\s*"
)
_PUNCT = re.compile(r"[\s,，、。.．:：;；“”\"'‘’()（）]")
_TITLE = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}}|[{CN_DIGIT_CHARS}]{{4}})年度?(?P<mid>.{{0,40}}?)(?:本级)?(?:政府)?"
    "信息公开(?:工作)?年度?报告"
)
_AGENCY_END = re.compile(
    r"(?:政府|办公厅|办公室|局|委员会|委|厅|办|院|署|中心|街道办事处|街道|镇|乡|管委会|总队|支队|大队|所|站|馆|会|处)$"
)
_DATE = re.compile(
    r"(?:发布|公开|成文)(?:日期|时间)[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_CN = CN_DIGIT_CHARS
_DATE_LINE = re.compile(
    rf"^((?:19|20)\d{{2}}|[{_CN}]{{4}})年(\d{{1,2}}|[{_CN}十]{{1,3}})月(\d{{1,2}}|[{_CN}十]{{1,3}})日$"
)
_HEADINGS = {
    "proactive": re.compile(r"^[二2][、.．]?主动公开政府信息情况"),
    "applications": re.compile(r"^[三3][、.．]?收到和处理政府信息公开申请情况"),
    "reviews_litigation": re.compile(r"^[四4][、.．]?政府信息公开行政复议"),
    "problems": re.compile(r"^[五5][、.．]?(?:存在的?主要问题|政府信息公开工作存在)"),
}


# Sections 一 and 五 kept as text (Report.narrative), each from its heading to the next one; for
# the similarity to the body's previous report. Capped: a report's prose is a few pages at most.
_PROSE_ENDS = {
    "overview": (re.compile(r"^[一1][、.．]?总体情况"), tuple(_HEADINGS.values())),
    "problems": (_HEADINGS["problems"], (re.compile(r"^[六6][、.．]?其他需要报告"),)),
}
PROSE_WIDTH = 20_000

# The printed text kept beside a value: a whole cell, but not a page of text run into one cell
# (a spreadsheet cell holds 32,767 characters; a CSV line of megabytes helps no one).
PRINTED_WIDTH = 200


@dataclass
class _Reading:
    """Cells read so far, with where they came from."""

    values: dict[str, int | float | None] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def put(
        self,
        path: str,
        cell: Cell,
        *,
        signed: bool = False,
        unit: str | None = None,
        stated: str | None = None,
    ) -> None:
        """The value of `cell` at `path`. `unit`: the money unit the value is stored in (None:
        a count); `stated`: the unit the table's header (or the template) gives the column."""
        self.locations[path] = cell.location
        self.printed[path] = shown(cell.text, PRINTED_WIDTH)
        self.values[path] = None
        if cell.text in BLANK_MARKERS:
            return
        number = to_decimal(cell.text)
        if number is None:
            self._add(
                "NON_NEGATIVE",
                "error",
                f"{cell.location}「{shown(cell.text)}」不是数字，记为空值",
                path,
            )
            return
        number = self._in_unit(path, cell, number, unit, stated)
        if number is None:
            return
        if abs(number) >= t.LARGEST_VALUE:
            self._add(
                "VALUE_OUT_OF_RANGE",
                "error",
                f"{cell.location}「{shown(cell.text)}」超出可发布的范围（绝对值小于10的15次方），"
                "记为空值，原文保留",
                path,
            )
            return
        integral = number == number.to_integral_value()
        if unit is not None:
            self.values[path] = int(number) if integral else float(number)
        elif not integral:
            self._add(
                "NON_NEGATIVE",
                "error",
                f"{cell.location}「{shown(cell.text)}」应为整数（件数），记为空值",
                path,
            )
            return
        else:
            self.values[path] = int(number)
        if not signed and number < 0:
            self._add("NON_NEGATIVE", "error", f"{cell.location}「{shown(cell.text)}」为负数", path)

    def _in_unit(
        self, path: str, cell: Cell, number: Decimal, unit: str | None, stated: str | None
    ) -> Decimal | None:
        """`number` in the column's unit, read with the unit printed in the cell (a count
        column's 件, a money column's 万元); a unit of another kind leaves the cell unread."""
        where = f"{cell.location}「{shown(cell.text)}」"
        printed = printed_unit(cell.text)
        if printed is not None and UNITS[printed][0] != ("count" if unit is None else "money"):
            column = "件数" if unit is None else f"金额（{unit}）"
            self._add(
                "UNIT_MISMATCH",
                "error",
                f"{where}的单位“{printed}”与本栏（{column}）不符，记为空值",
                path,
            )
            return None
        if unit is None:
            return number
        source = printed or stated
        if source is None:
            if number != 0:
                self._add(
                    "UNIT_UNKNOWN",
                    "warning",
                    f"{where}和表头都未注明单位（元或万元），按{unit}记录，请核对",
                    path,
                )
            return number
        if printed is not None and stated is not None and UNITS[printed][1] != UNITS[stated][1]:
            self._add(
                "UNIT_CONVERTED",
                "warning",
                f"{where}注明“{printed}”，表头为“{stated}”：按单元格的单位换算为{unit}",
                path,
            )
        return number * UNITS[source][1] / UNITS[unit][1]

    def _add(self, rule: str, severity: str, message: str, path: str) -> None:
        self.findings.append(Finding(rule, severity, message, [path]))


def extract(rows: list[Row], *, exact_cells: bool) -> Report:
    """`exact_cells`: the reader knows real cell boundaries (HTML, Word, PDF by position), so
    an empty cell is a blank cell; in text dumped from a PDF empty fields are layout noise."""
    texts = [_squash(row_text(live(row))) for row in rows]
    bounds = _sections(texts)
    if not any(bounds.values()):
        raise NotAReport(
            "NOT_A_REPORT",
            "文件中找不到年度报告的统计表（主动公开、依申请公开、复议诉讼情况），不是政府信息公开工作年度报告",
        )
    agency, year = _title(rows, texts)
    template = _template(texts, bounds, year)
    reading = _Reading()
    app_shape = _shape(texts, bounds["applications"], template)

    if bounds["proactive"]:
        _read_proactive(rows, bounds["proactive"], template, reading, exact_cells)
    if bounds["applications"]:
        _read_applications(rows, bounds["applications"], app_shape, reading, exact_cells)
    if bounds["reviews_litigation"]:
        _read_reviews(rows, bounds["reviews_litigation"], reading, exact_cells)

    report = Report(
        agency=agency,
        year=year,
        template=template,
        proactive={
            i.key: {m: reading.values.get(f"proactive.{i.key}.{m}") for m in i.measures}
            for i in t.items_for(template)
        },
        applications={
            r.key: {a: reading.values.get(f"applications.{r.key}.{a}") for a in t.APPLICANTS}
            for r in t.application_rows(app_shape)
        },
        reviews_litigation={
            p: {o: reading.values.get(f"reviews_litigation.{p}.{o}") for o in t.OUTCOMES}
            for p in t.PROCEEDINGS
        },
        findings=reading.findings,
        locations=reading.locations,
        printed=reading.printed,
        published_on=_published_on(texts),
    )
    _derive_zero_parts(report)
    first_table = min(b.start for b in bounds.values() if b) - 1  # its heading
    report.findings.extend(narrative.check(rows[:first_table], report))
    report.narrative = _prose(rows, texts, first_table)
    for section, found in bounds.items():
        if section in t.SECTIONS and not found:
            report.findings.append(
                Finding(
                    "SECTION_MISSING",
                    "error",
                    f"文件中没有找到「{t.SECTIONS[section]}」这张表，该部分数据为空",
                    [section],
                )
            )
    if agency is None or year is None:
        report.findings.append(
            Finding("METADATA_MISSING", "warning", "未能从文件标题读出机关名称或统计年度", [])
        )
    return report


def _prose(rows: list[Row], texts: list[str], first_table: int) -> dict[str, str]:
    """The text of sections 一 (before the first table) and 五, where their headings are found."""
    out = {}
    for name, (heading, ends) in _PROSE_ENDS.items():
        start = next((i for i, x in enumerate(texts) if heading.match(x)), None)
        if start is None or (name == "overview" and start >= first_table):
            continue
        limit = first_table if name == "overview" else len(texts)
        stop = next(
            (i for i in range(start + 1, limit) if any(e.match(texts[i]) for e in ends)), limit
        )
        text = "".join(row_text(live(r)) for r in rows[start + 1 : stop])[:PROSE_WIDTH]
        if text:
            out[name] = text
    return out


def _squash(text: str) -> str:
    return _PUNCT.sub("", text)


def _strip_numbering(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _NUMBERING.sub("", text, count=1)
    return _squash(text)


# ---------------------------------------------------------------- document structure


def _sections(texts: list[str]) -> dict[str, range | None]:
    """Row ranges of sections 二, 三 and 四, from their headings or, failing that, their rows."""
    starts: dict[str, int] = {}
    for i, text in enumerate(texts):
        for name, pattern in _HEADINGS.items():
            if name not in starts and pattern.match(text):
                starts[name] = i
    if "applications" not in starts:
        first = next((i for i, x in enumerate(texts) if "本年新收" in x), None)
        if first is not None:
            starts["applications"] = max(first - 3, starts.get("proactive", -1) + 1)
    if "reviews_litigation" not in starts:
        after = starts.get("applications", 0)
        first = next(
            (i for i, x in enumerate(texts) if i > after and "行政复议" in x and "结转" not in x),
            None,
        )
        if first is not None and _any_numbers_after(texts, first):
            starts["reviews_litigation"] = first
    order = sorted(starts.items(), key=lambda kv: kv[1])
    bounds: dict[str, range | None] = {
        k: None for k in ("proactive", "applications", "reviews_litigation")
    }
    for n, (name, start) in enumerate(order):
        if name in bounds:
            end = order[n + 1][1] if n + 1 < len(order) else len(texts)
            bounds[name] = range(start + 1, end)
    if bounds["proactive"] is not None and not any(
        item_kw in texts[i]
        for i in bounds["proactive"]
        for item_kw in ("规章", "行政许可", "行政处罚")
    ):
        bounds["proactive"] = None
    if bounds["applications"] is not None and not any(
        "本年新收" in texts[i] for i in bounds["applications"]
    ):
        bounds["applications"] = None
    return bounds


def _any_numbers_after(texts: list[str], start: int) -> bool:
    return any(re.search(r"\d", x) for x in texts[start : start + 8])


def _title(rows: list[Row], texts: list[str]) -> tuple[str | None, int | None]:
    for i, text in enumerate(texts[:60]):
        match = _TITLE.search(text)
        if not match:
            continue
        year = _year(match.group("year"))
        mid = match.group("mid")
        agency = mid if mid and _AGENCY_END.search(mid) else (text[: match.start()].strip() or None)
        if agency and not _AGENCY_END.search(agency):
            agency = _agency_prefix(agency)
        if agency is None:
            agency = _agency_before(texts, i)
        return agency, year
    return None, None


def _agency_prefix(text: str) -> str | None:
    """`XX局关于2023年…` or a page title with a site name: keep the part that ends like a body."""
    for cut in ("关于", "_", "|", "-"):
        head = text.split(cut)[0]
        if head and _AGENCY_END.search(head):
            return head
    return None


def _agency_before(texts: list[str], index: int) -> str | None:
    for text in reversed(texts[max(0, index - 4) : index]):
        if text and len(text) <= 40 and _AGENCY_END.search(text):
            return text
    return None


def _year(text: str) -> int:
    return int(text) if text.isdigit() else cn_digits(text)


def _published_on(texts: list[str]) -> str | None:
    """The date the page states (发布日期…), else the date under the signature that ends the
    report (a line holding only a date, among its last lines)."""
    match = next((m for m in map(_DATE.search, texts) if m), None)
    if match is None:
        match = next((m for m in map(_DATE_LINE.match, reversed(texts[-6:])) if m), None)
    if match is None:
        return None
    y, m, d = (_year(g) if n == 0 else cn_small(g) for n, g in enumerate(match.groups()))
    try:
        return date(y, m, d).isoformat()
    except ValueError:  # 2月30日: printed wrong, not a date
        return None


def _template(texts: list[str], bounds: dict[str, range | None], year: int | None) -> str:
    proactive = "".join(texts[i] for i in bounds["proactive"] or ())
    if "制发" in proactive or "现行有效" in proactive:
        return "2021"
    if any(k in proactive for k in ("新制作", "新公开", "对外公开总数", "集中采购", "上一年项目")):
        return "2019"
    if year is not None and year <= 2020:
        return "2019"
    return "2021"


def _shape(texts: list[str], rows: range | None, template: str) -> str:
    body = "".join(texts[i] for i in rows or ())
    if "不补正" in body or "缴纳费用" in body or "收费通知" in body:
        return "split"
    if "其他处理" in body:
        return "single"
    return t.DEFAULT_SHAPE[template]


# ---------------------------------------------------------------- section 二


def _read_proactive(
    rows: list[Row], span: range, template: str, reading: _Reading, exact_cells: bool
) -> None:
    items = t.items_for(template)
    found: set[str] = set()
    stated: str | None = None  # the money unit the table's header names
    for i in span:
        cells = live(rows[i])
        for n, cell in enumerate(cells):
            label = _squash(cell.text)
            if not label or len(label) > 16:
                continue
            # A label wrapped in text dumped from a PDF goes on in the line below (or began in
            # the line above) with no numbers of its own.
            before = _label_only(rows, i - 1) if i - 1 in span else ""
            after = _label_only(rows, i + 1) if i + 1 in span else ""
            item = next(
                (
                    it
                    for it in items
                    if it.key not in found
                    and any(
                        k in text
                        for k in it.keywords
                        for text in (label, label + after, before + label)
                    )
                ),
                None,
            )
            values = cells[n + 1 :]
            if (
                item is None
                or not values
                or not all(is_value(c.text) for c in values[: len(item.measures)])
            ):
                continue
            found.add(item.key)
            # a table flattened onto one line: its header came before the label, in this row
            if "金额" in (before_label := row_text(cells[:n])):
                stated = header_money_unit(before_label)
            if _run_together(values, item, exact_cells, reading):
                break
            for measure, value in zip(item.measures, values, strict=False):
                reading.put(
                    f"proactive.{item.key}.{measure}",
                    value,
                    signed=measure in t.SIGNED_MEASURES,
                    unit=t.MONEY_UNITS.get(measure),
                    stated=stated or t.TEMPLATE_UNITS.get(measure),
                )
            break
        else:
            text = row_text(cells)
            # A header row (or a 单位：万元 line) sets the money unit of the columns below it; a
            # money header that names none (采购总金额) leaves it undecided.
            if any(m in text for m in ("数量", "件数", "金额", "单位")):
                named = header_money_unit(text)
                if named is not None or "金额" in text:
                    stated = named


def _run_together(values: list[Cell], item: t.Item, exact_cells: bool, reading: _Reading) -> bool:
    """A section-二 row of several measures whose numbers ran together into one (pasted text:
    「规章3012」, 「03398」): no total tells where to cut, so the row is left unread."""
    width = len(item.measures)
    if exact_cells or width < 2 or len(values) != 1 or not digits.is_run(values[0].text, width):
        return False
    reading.findings.append(
        Finding(
            "DIGITS_RUN_TOGETHER",
            "warning",
            f"{values[0].location}「{item.label}」只有一串数字「{values[0].text}」，"
            f"应有{width}个数，无法确定如何拆分，本行未采用",
            [f"proactive.{item.key}.{m}" for m in item.measures],
        )
    )
    return True


def _label_only(rows: list[Row], i: int) -> str:
    """The text of a short row without any value cell, else ""."""
    cells = [c for c in live(rows[i]) if c.text]
    if not cells or any(is_value(c.text) for c in cells):
        return ""
    text = _squash("".join(c.text for c in cells))
    return text if len(text) <= 16 else ""


# ---------------------------------------------------------------- section 三


def _matches(cells: list[Cell], candidates: tuple[t.ApplicationRow, ...]) -> list[t.ApplicationRow]:
    """Every candidate row the label names, in template order."""
    label = _squash("".join(c.text for c in cells))
    parts = [_strip_numbering(c.text) for c in cells]
    return [
        row
        for row in candidates
        if any(k in label for k in row.keywords) or any(p in row.exact for p in parts if p)
    ]


def _match_row(
    cells: list[Cell], candidates: tuple[t.ApplicationRow, ...]
) -> t.ApplicationRow | None:
    found = _matches(cells, candidates)
    return found[0] if found else None


def _read_applications(
    rows: list[Row], span: range, shape: str, reading: _Reading, exact_cells: bool
) -> None:
    _Applications(rows, t.application_rows(shape), reading, exact_cells).read(span)


@dataclass
class _Applications:
    """Section 三 read line by line. A label names the next template rows in order; its
    numbers are on the same line, on the next one (a label alone on its line), or came on the
    line before (numbers whose label names nothing, as a typo leaves it)."""

    rows: list[Row]
    template_rows: tuple[t.ApplicationRow, ...]
    reading: _Reading
    exact_cells: bool
    cursor: int = 0  # index of the next template row that may be named
    started: bool = False
    # Numbers whose label named no row, with that label.
    pending_values: tuple[list[Cell], list[Cell]] | None = None
    # A row named, numbers not yet seen.
    pending_row: tuple[t.ApplicationRow, list[Cell]] | None = None

    def read(self, span: range) -> None:
        for i in span:
            self._line(i, span)
        self._settle_pending_row()

    def _line(self, i: int, span: range) -> None:
        labels, values = value_suffix(live(self.rows[i]))
        candidates = self.template_rows[self.cursor :]
        named = [
            r
            for r in (_matches(labels, candidates) if labels else [])
            if r.keywords  # a generic exact label (其他, 总计) never makes a row "merged"
        ]
        row = self._named_row(labels, values, i, span, candidates)
        if not self.started:
            if row is None or row.key != "new_received":
                return
            self.started = True
        fitted = fit(values, len(t.APPLICANTS), exact_cells=self.exact_cells)
        if fitted is None and row is not None and len(values) == 1:
            fitted = self._cut(row, values[0])
        numbers = fitted is not None and has_number(fitted)
        if len(named) > 1:
            self._merged(named, labels)
        elif row is not None:
            self._row(row, fitted, numbers)
        elif numbers:
            assert fitted is not None
            self._unnamed(labels, fitted)
        elif has_number(values):
            self.reading.findings.append(
                Finding(
                    "COMPLETE",
                    "warning",
                    f"{values[0].location}的数字个数（{len(values)}）与7列申请人对不上，未采用",
                    [],
                )
            )

    def _named_row(
        self,
        labels: list[Cell],
        values: list[Cell],
        i: int,
        span: range,
        candidates: tuple[t.ApplicationRow, ...],
    ) -> t.ApplicationRow | None:
        row = _match_row(labels, candidates) if labels else None
        if row is not None or not labels or not has_number(values):
            return row
        # A label wrapped in text dumped from a PDF: its other half is a line of its own.
        for joined in (
            [*labels, Cell(_label_only(self.rows, i + 1) if i + 1 in span else "", "")],
            [Cell(_label_only(self.rows, i - 1) if i - 1 in span else "", ""), *labels],
        ):
            found = _matches(joined, candidates)
            if len(found) == 1:
                return found[0]
        return None

    def _cut(self, row: t.ApplicationRow, cell: Cell) -> list[Cell] | None:
        """A row whose seven numbers ran together into one: cut where the row's total
        confirms exactly one cut; otherwise the row is left unread."""
        width = len(t.APPLICANTS)
        if not digits.is_run(cell.text, width):
            return None
        paths = [f"applications.{row.key}.{a}" for a in t.APPLICANTS]
        cut = _cut_or_say(cell, (width,), paths, self.reading)
        if cut is None:
            self.cursor = self.template_rows.index(row) + 1
        return cut

    def _merged(self, named: list[t.ApplicationRow], labels: list[Cell]) -> None:
        """Two rows printed as one: whose numbers these are cannot be told. Not used."""
        self._settle_pending_row()
        self.cursor = self.template_rows.index(named[-1]) + 1
        self.pending_values = None
        self.reading.findings.append(
            Finding(
                "COMPLETE",
                "warning",
                f"{labels[0].location}把「{'」「'.join(r.label for r in named)}」合在一行印出，"
                "数字无法分到各行，未采用",
                [f"applications.{r.key}.{a}" for r in named for a in t.APPLICANTS],
            )
        )

    def _row(self, row: t.ApplicationRow, fitted: list[Cell] | None, numbers: bool) -> None:
        self._settle_pending_row()
        index = self.template_rows.index(row)
        if self.pending_values and self.pending_values[0] and numbers and index == self.cursor + 1:
            self._by_position()
        self.cursor = index + 1
        if numbers:
            assert fitted is not None
            self._assign(row, fitted)
            self.pending_values = None
        elif self.pending_values is not None:
            self._assign(row, self.pending_values[1])
            self.pending_values = None
        else:
            self.pending_row = (row, fitted or [])

    def _by_position(self) -> None:
        """The row before was printed with a label that names nothing (a typo) and sits where
        exactly one row of the template is missing: that row."""
        assert self.pending_values is not None
        by_position = self.template_rows[self.cursor]
        unknown, pending = self.pending_values
        self._assign(by_position, pending)
        self.reading.findings.append(
            Finding(
                "READ_BY_POSITION",
                "info",
                f"{unknown[0].location}的行名「{''.join(c.text for c in unknown)}」"
                f"无法识别，按所在位置认定为「{by_position.label}」",
                [f"applications.{by_position.key}.{a}" for a in t.APPLICANTS],
            )
        )
        self.pending_values = None

    def _unnamed(self, labels: list[Cell], fitted: list[Cell]) -> None:
        if self.pending_row is not None:
            self._assign(self.pending_row[0], fitted)
            self.pending_row = None
        else:
            self.pending_values = (labels, fitted)

    def _assign(self, row: t.ApplicationRow, values: list[Cell]) -> None:
        for applicant, cell in zip(t.APPLICANTS, values, strict=True):
            self.reading.put(f"applications.{row.key}.{applicant}", cell)

    def _settle_pending_row(self) -> None:
        if self.pending_row is not None:
            row, blanks = self.pending_row
            if blanks:
                self._assign(row, blanks)  # printed, all cells blank
            self.pending_row = None


# ---------------------------------------------------------------- section 四


def _read_reviews(rows: list[Row], span: range, reading: _Reading, exact_cells: bool) -> None:
    width = len(t.PROCEEDINGS) * len(t.OUTCOMES)
    collected: list[Cell] = []
    for i in span:
        _, values = value_suffix(live(rows[i]))
        if not has_number(values) and not (collected and values):
            continue
        collected.extend(values)
        if len(collected) >= width:
            break
    paths = [f"reviews_litigation.{p}.{o}" for p in t.PROCEEDINGS for o in t.OUTCOMES]
    fitted = fit(collected, width, exact_cells=exact_cells)
    numbers = _trimmed(collected)
    if fitted is None and len(numbers) == 1 and digits.is_run(numbers[0].text, width):
        groups = (len(t.OUTCOMES),) * len(t.PROCEEDINGS)
        fitted = _cut_or_say(numbers[0], groups, paths, reading)
        if fitted is None:
            return  # run together past telling: DIGITS_RUN_TOGETHER names the cells
    if fitted is None and not exact_cells and 0 < len(numbers) < width:
        # PDF text loses the first cells under the three-row merged header: the order is
        # fixed and the totals come last, so what is left is aligned on the right.
        paths = paths[width - len(numbers) :]
        fitted = numbers
    if fitted is None:
        return  # numbers that fit no column: left out, and COMPLETE names the cells
    for path, cell in zip(paths, fitted, strict=True):
        reading.put(path, cell)


def _cut_or_say(
    cell: Cell, groups: tuple[int, ...], paths: list[str], reading: _Reading
) -> list[Cell] | None:
    """The numbers of `cell` cut as its groups' totals confirm (DIGITS_SPLIT), or None when
    no cut or several fit (DIGITS_RUN_TOGETHER): never a guess."""
    ways = digits.cuts(cell.text, groups)
    where = f"{cell.location}的数字连在一起（「{shown(cell.text, 60)}」）"
    if len(ways) == 1:
        reading.findings.append(
            Finding(
                "DIGITS_SPLIT",
                "warning",
                f"{where}，按本行总计只有一种拆法：{' '.join(ways[0])}，已采用，请对照原件核对",
                paths,
            )
        )
        return [Cell(n, cell.location) for n in ways[0]]
    why = "有多种拆法都与总计相符" if ways else "没有一种拆法与总计相符"
    reading.findings.append(
        Finding("DIGITS_RUN_TOGETHER", "warning", f"{where}，{why}，本行未采用", paths)
    )
    return None


def _trimmed(cells: list[Cell]) -> list[Cell]:
    start, end = 0, len(cells)
    while start < end and cells[start].text == "":
        start += 1
    while end > start and cells[end - 1].text == "":
        end -= 1
    return cells[start:end]


# ---------------------------------------------------------------- derived cells


def _derive_zero_parts(report: Report) -> None:
    """A total printed as 0 fixes every part the document left out at 0 (counts are never
    negative). Recorded as a DERIVED finding so that no value appears silently."""
    groups = [
        ("applications", key, cells, t.APPLICANT_PARTS, "total")
        for key, cells in report.applications.items()
    ] + [
        ("reviews_litigation", key, cells, t.OUTCOME_PARTS, "total")
        for key, cells in report.reviews_litigation.items()
    ]
    derived: list[str] = []
    for section, key, cells, parts, total in groups:
        if cells[total] != 0:
            continue
        for part in parts:
            path = f"{section}.{key}.{part}"
            if path not in report.locations:
                cells[part] = 0
                report.locations[path] = "由总计为0推出"
                derived.append(path)
    if derived:
        report.findings.append(
            Finding(
                "DERIVED",
                "info",
                f"文件中缺少{len(derived)}个单元格，因所在行（项）总计为0，按非负规则推出为0",
                derived,
            )
        )
