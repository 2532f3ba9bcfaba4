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
