"""Text every stage reads: bytes decoded as portals encode them, body names compared as clerks
type them, and the Chinese numerals of years and dates."""

from __future__ import annotations

import codecs


def utf16(data: bytes) -> str | None:
    """ "utf-16" where the bytes are UTF-16 text (Windows Notepad's "Unicode": a BOM, or none
    with NULs beside every ASCII character), else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if b"\x00" not in head:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = head[: len(head) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        plausible = sum(c.isprintable() or c in "\t\r\n" for c in text)
        if "\x00" not in text and plausible >= 0.95 * len(text):
            return encoding
    return None


def decode(data: bytes) -> str:
    """The bytes of a text-like document (page, text file, CSV) as str.

    UTF-16 where it is (see `utf16`); then, in the order measured on real portal pages: strict UTF-8, then strict GB18030 (a superset of GB2312
    and GBK, so pages labelled gb2312 that use GBK-only characters such as 〇 still decode),
    then charset-normalizer as a last resort.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if wide := utf16(data):
        return data.decode(wide, errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("gb18030", errors="replace")


def squash(name: str) -> str:
    """A body name as compared: without white space, full-width brackets as ASCII ones
    (registries, titles and file names write 永安市（三明市）… both ways)."""
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def same_name(a: str, b: str) -> bool:
    return squash(a) == squash(b)


# Zero is printed 〇, 零, ○ (a circle) or Ｏ (a full-width letter O).
CN_DIGITS = {c: n for n, chars in enumerate(["〇零○Ｏ", *"一二三四五六七八九"]) for c in chars}
CN_DIGIT_CHARS = "".join(CN_DIGITS)


def cn_digits(text: str) -> int:
    """Digits written one by one in Chinese numerals: 二〇二三 → 2023."""
    return int("".join(str(CN_DIGITS[c]) for c in text))


def cn_small(text: str) -> int:
    """1–99 in Arabic or Chinese numerals (五, 十二, 二十五, 三十一), as in months and days."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, units = text.rpartition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)
