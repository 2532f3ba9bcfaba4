"""A layout as text, the shape PDF text extraction gives."""

from __future__ import annotations

from testkit.render.layout import Layout


def write_text(doc: Layout) -> bytes:
    """Tab-separated lines, as text extracted from a PDF: a merged cell's lines are spread over
    the rows it covers, a wrapped cell goes on in the lines after its row."""
    out = [*doc.title, ""]
    for block in doc.blocks:
        if isinstance(block, str):
            out += [block, ""]
            continue
        rows = [list(r) for r in block.rows]
        extra: dict[int, list[list[str]]] = {}
        for r0, c0, r1, _c1 in block.spans:
            lines = rows[r0][c0].split("\n")
            for i, r in enumerate(range(r0, r1 + 1)):
                rows[r][c0] = (
                    "".join(lines[i:]) if r == r1 else (lines[i] if i < len(lines) else "")
                )
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                head, *more = text.split("\n")
                row[c] = head
                for i, line in enumerate(more):
                    lines = extra.setdefault(r, [])
                    if len(lines) <= i:
                        lines.append([""] * len(row))
                    lines[i][c] = line
        for r, row in enumerate(rows):
            out.append("\t".join(row))
            out += ["\t".join(line) for line in extra.get(r, [])]
        out.append("")
    out += doc.closing
    return "\n".join(out).encode("utf-8")


def write_pasted(doc: Layout, style: str = "spaces") -> bytes:
    """A layout as a table pasted from a web page into a text box: a row's cells split by one
    space (empty cells lost), `style` "one-line" puts each table on one line, "glued" runs
    each numbers row together and on to its label (…申请数量300153006143119), as text flattened
    without its cell borders gives it."""
    out = [*doc.title, ""]
    for block in doc.blocks:
        if isinstance(block, str):
            out += [block, ""]
            continue
        lines = []
        for row in block.rows:
            cells = [c.replace("\n", "") for c in row if c.strip()]
            numbers = [c for c in cells if c.isdigit()]
            if style == "glued" and len(numbers) > 1 and cells[-len(numbers) :] == numbers:
                labels = "".join(cells[: -len(numbers)])
                lines.append(labels + "".join(numbers))
            else:
                lines.append(" ".join(cells))
        out += [" ".join(lines)] if style == "one-line" else lines
        out.append("")
    out += doc.closing
    return "\n".join(out).encode("utf-8")
