"""Hostile workbooks, built the way an attacker would: a real workbook whose sheet part is
replaced by crafted XML, streamed into the zip so that no test holds it in memory."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET_PART = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def forged_workbook(path: Path, sheet_xml: Iterable[bytes], title: str = "repayments") -> Path:
    """An .xlsx with one sheet named `title` whose XML is `sheet_xml` (chunks)."""
    book = Workbook()
    book.active.title = title  # type: ignore[union-attr]
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != SHEET_PART:
                target.writestr(info, source.read(info.filename), zipfile.ZIP_DEFLATED)
                continue
            part = zipfile.ZipInfo(SHEET_PART)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w") as stream:
                for chunk in sheet_xml:
                    stream.write(chunk)
    return path


def _cell(ref: str, value: object) -> bytes:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'.encode()
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


def sheet_xml(
    rows: list[list[object]], far_rows: int = 0, dimension: str | None = None
) -> Iterator[bytes]:
    """A sheet of `rows` (the first is the header), then `far_rows` rows holding one
    cell each, in the last column (XFD); the dimension declares the width by default."""
    last = len(rows) + far_rows
    yield _HEAD + f'<dimension ref="{dimension or f"A1:XFD{last}"}"/><sheetData>'.encode()
    for number, row in enumerate(rows, start=1):
        cells = b"".join(
            _cell(f"{get_column_letter(i + 1)}{number}", v)
            for i, v in enumerate(row)
            if v is not None
        )
        yield f'<row r="{number}">'.encode() + cells + b"</row>"
    batch: list[bytes] = []
    for number in range(len(rows) + 1, last + 1):
        batch.append(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (number, number))
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch) + b"</sheetData></worksheet>"


def bomb_xml(header: list[object], unpacked_mb: int) -> Iterator[bytes]:
    """A sheet of `header` then empty rows, about `unpacked_mb` MB of XML that packs
    about a thousand times."""
    yield _HEAD + b"<sheetData>"
    yield b'<row r="1">' + b"".join(
        _cell(f"{get_column_letter(i + 1)}1", h) for i, h in enumerate(header)
    )
    yield b"</row>"
    block = b"<row/>" * (1024 * 1024 // 6)
    for _ in range(unpacked_mb):
        yield block
    yield b"</sheetData></worksheet>"


def understate_part(path: Path, part: str, size: int) -> None:
    """Makes the zip's central directory say `part` unpacks to `size` bytes (a lie)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = data.rfind(b"PK\x01\x02")
    while at >= 0:
        (length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + length] == name:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.rfind(b"PK\x01\x02", 0, at)
    raise AssertionError(f"{part} is not in {path}")
