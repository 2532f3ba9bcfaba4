"""A layout as a portal's HTML page."""

from __future__ import annotations

import html

from testkit.render.layout import Layout


def write_html(
    doc: Layout,
    *,
    encoding: str = "utf-8",
    charset: str | None = "utf-8",
    wrap: bool = False,
    pictures: list[list[str]] | None = None,
) -> bytes:
    """A portal page: real tables with rowspan/colspan; `wrap` puts the article in a layout
    table, as many portal systems do; `charset` None declares no encoding. `pictures`: the
    tables printed as pictures (「图片版」), the `src` of each table's pictures in order."""
    e = html.escape
    meta = f'<meta charset="{charset}">' if charset else ""
    if doc.published_on:
        meta += f'<meta name="PubDate" content="{doc.published_on}">'
    title = "".join(doc.title)
    parts = [f"<!DOCTYPE html><html><head>{meta}<title>{e(title)}</title></head><body>"]
    if wrap:
        parts.append("<table width='100%'><tr><td>导航</td></tr><tr><td>")
    parts.append(f"<h1>{e(title)}</h1>")
    tables = iter(pictures or [])
    for block in doc.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{e(block)}</p>")
            continue
        if pictures is not None:
            parts += [f'<p><img src="{src}" alt="表格"></p>' for src in next(tables)]
            continue
        covered = {
            (r, c)
            for r0, c0, r1, c1 in block.spans
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        origin = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in block.spans}
        parts.append("<table border='1'>")
        for r, row in enumerate(block.rows):
            cells = []
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                rs, cs = origin.get((r, c), (1, 1))
                attrs = (f" rowspan='{rs}'" if rs > 1 else "") + (
                    f" colspan='{cs}'" if cs > 1 else ""
                )
                body = "<br>".join(e(x) for x in text.split("\n")) or "&nbsp;"
                cells.append(f"<td{attrs}>{body}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts += [f"<p style='text-align:right'>{e(line)}</p>" for line in doc.closing]
    if wrap:
        parts.append("</td></tr></table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode(encoding)
