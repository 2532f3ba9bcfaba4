"""The benchmark (`xxgk bench`): parse throughput per format on one core and peak memory.

Documents come from the generated corpus (both templates, every format) and, when given, a
folder of real documents. Figures are printed, never asserted: speed is measured, not tested.
"""

from __future__ import annotations

import gc
import io
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.files import sniff
from pipelines.read.document import parse_bytes
from testkit import corpus
from testkit.render.scan import scanned

BENCH_CASES = ("clean-2021", "clean-2019", "blanks-2021", "abbreviated-2019")


@dataclass
class Figure:
    label: str
    documents: int
    pages: int
    seconds: float
    peak_mb: float  # Python heap (tracemalloc) while parsing the largest document

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else float("inf")

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0


def pages(data: bytes) -> int:
    """Pages of a PDF; the pictures of a page or a Word file read by OCR (「图片版」: each is
    a page to OCR); other formats count one page per document."""
    fmt = sniff(data)
    if fmt == "html":
        return max(1, data.count(b'src="data:image/'))
    if fmt == "docx":
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as word:
            return max(1, sum(n.startswith("word/media/") for n in word.namelist()))
    if fmt != "pdf":
        return 1
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def generated(formats: list[str], cases: tuple[str, ...] = BENCH_CASES) -> dict[str, list[bytes]]:
    """Documents of the generated corpus by format ("scan.pdf": an image-only PDF, OCR; the
    formats read by OCR, corpus.IMAGE_WRITERS, one document each)."""
    chosen = [c for c in corpus.CASES if c.name in cases]
    out: dict[str, list[bytes]] = {}
    for fmt in formats:
        if fmt == "scan.pdf":
            out[fmt] = [scanned(corpus.render(c, "pdf")) for c in chosen[:1]]
        elif fmt in corpus.IMAGE_WRITERS:
            out[fmt] = [corpus.render(chosen[0], fmt)]
        else:
            out[fmt] = [corpus.render(c, fmt) for c in chosen]
    return out


def measure(label: str, documents: list[bytes], repeat: int = 1) -> Figure:
    parse_bytes(documents[0])  # imports and caches warmed: not what a document costs
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeat):
        for data in documents:
            parse_bytes(data)
    seconds = time.perf_counter() - start
    # Memory in a pass of its own: tracemalloc slows Python down several times.
    tracemalloc.start()
    parse_bytes(max(documents, key=len))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(documents) * repeat
    return Figure(label, n, sum(pages(d) for d in documents) * repeat, seconds, peak / 2**20)


def real(folder: Path) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() != ".json":
            out.setdefault(f"real {path.suffix.lstrip('.').lower()}", []).append(path.read_bytes())
    return out


def run(
    sets: dict[str, list[bytes]], repeat: int, say: Callable[[str], None] = print
) -> list[Figure]:
    say(
        "格式 format | 文档 docs | 页 pages | 文档/秒 docs/s | 毫秒/页 ms/page | 峰值内存 peak MB (Python heap, largest document)"
    )
    figures = []
    for label, documents in sets.items():
        once = "scan" in label or label == "doc" or label in corpus.IMAGE_WRITERS  # slow
        figure = measure(label, documents, 1 if once else repeat)
        figures.append(figure)
        say(
            f"{label} | {figure.documents} | {figure.pages} | {figure.per_second:.1f} | "
            f"{figure.ms_per_page:.1f} | {figure.peak_mb:.1f}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"进程峰值常驻内存 process peak RSS: {rss:.0f} MB (one process, one core)")
    return figures
