"""Which encoding a CSV file is in: UTF-8 (with or without a byte-order mark) or
GB18030, decided on the whole file but read block by block or line by line, so that a
large export is never held in memory to find it out."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from core.importer.messages import Code
from core.importer.problems import ProblemLog


def decode_bytes(data: bytes, source: str, log: ProblemLog) -> str | None:
    """Decodes UTF-8 (with or without a byte-order mark) or GB18030; None if neither.

    UTF-8 when the whole file is UTF-8; GB18030 when the whole file is GB18030 and no
    line of it is UTF-8 with other than ASCII characters. GB18030 reads most UTF-8 bytes
    "successfully" as other characters (王芳 becomes 鐜嬭姵), so a file whose lines are
    UTF-8 and GB18030 by turns is refused, naming lines of each, rather than garbled.
    A line in neither is reported at the first bad byte under whichever encoding read
    further: a GB18030 file with one broken byte is reported there, not at its first
    Chinese character.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if not _gb18030_lines(iter(data.split(b"\n")), source, log):
        return None
    return data.decode("gb18030")


READ_BLOCK = 1 << 20


def file_encoding(path: Path, source: str, log: ProblemLog) -> str | None:
    """The encoding of a CSV file, as decode_bytes decides it, read block by block
    ("utf-8-sig" or "gb18030"); None, with the problem logged, when it is in neither or
    holds nothing but white space."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank = True
    try:
        with path.open("rb") as stream:
            while block := stream.read(READ_BLOCK):
                text = decoder.decode(block)
                blank = blank and not text.strip()
            blank = blank and not decoder.decode(b"", final=True).strip()
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        with path.open("rb") as stream:
            # Each line without its line break, as bytes.split(b"\n") gives them.
            lines = (line.removesuffix(b"\n") for line in stream)
            if not _gb18030_lines(_without_bom(lines), source, log):
                return None
        with path.open(encoding="gb18030") as stream:
            blank = not any(line.strip() for line in stream)
        encoding = "gb18030"
    if blank:
        log.add(source, 1, "", "", Code.EMPTY_FILE)
        return None
    return encoding


def _without_bom(lines: Iterator[bytes]) -> Iterator[bytes]:
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix(codecs.BOM_UTF8)
    yield from lines


def _gb18030_lines(lines: Iterator[bytes], source: str, log: ProblemLog) -> bool:
    """True when every line is GB18030 and none UTF-8 with other than ASCII characters;
    else False, with the problem logged (see decode_bytes)."""
    utf8_lines: list[int] = []
    gb_lines: list[int] = []
    start = 0
    # Neither encoding uses the byte of a line break inside a character, so each line
    # can be judged alone.
    for number, line in enumerate(lines, start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines.append(number)
            except UnicodeDecodeError as utf8_error:
                try:
                    line.decode("gb18030")
                    gb_lines.append(number)
                except UnicodeDecodeError as gb_error:
                    offset = max(utf8_error.start, gb_error.start)
                    log.add(
                        source,
                        number,
                        "",
                        f"0x{line[offset]:02X}",
                        Code.NOT_UTF8_OR_GB18030,
                        {"byte": start + offset + 1},
                    )
                    return False
        start += len(line) + 1
    if utf8_lines:
        log.add(
            source,
            max(utf8_lines[0], gb_lines[0]),
            "",
            "",
            Code.MIXED_ENCODINGS,
            {"utf8": _spans(utf8_lines), "gbk": _spans(gb_lines)},
        )
        return False
    return True


def _spans(lines: list[int], at_most: int = 3) -> list[str]:
    """The first few runs of consecutive line numbers: [2, 3, 4, 9] → ["2-4", "9"]."""
    spans: list[str] = []
    first = previous = lines[0]
    for line in [*lines[1:], 0]:
        if line == previous + 1:
            previous = line
            continue
        spans.append(str(first) if first == previous else f"{first}-{previous}")
        first = previous = line
    return spans[:at_most]
