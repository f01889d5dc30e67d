"""Small files of real kinds, made in code, for the upload tests (their content is what is checked).

Each is the smallest byte string that is really of its kind by the magic
numbers the formats define: a whole 1×1 PNG, a JFIF JPEG header, an MP4
with its ``ftyp`` box, a WAV header, a PDF, a Windows program's ``MZ`` header,
and real .xlsx / .docx written by openpyxl / python-docx.
"""

from __future__ import annotations

import io
import struct
import zlib


def png() -> bytes:
    """A whole 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(payload: bytes = b"") -> bytes:
    """A JPEG (JFIF) start followed by ``payload`` and the end marker."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + payload + b"\xff\xd9"


def mp4(payload: bytes = b"body-camera export") -> bytes:
    """An MP4: the ``ftyp`` box (brand isom) and an ``mdat`` box holding ``payload``."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isommp41"
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def wav(samples: int = 16) -> bytes:
    """A mono 8 kHz 8-bit WAV of ``samples`` silent samples."""
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 8000, 1, 8)
    data = b"data" + struct.pack("<I", samples) + b"\x80" * samples
    return b"RIFF" + struct.pack("<I", 4 + len(fmt) + len(data)) + b"WAVE" + fmt + data


def pdf() -> bytes:
    """A one-page PDF."""
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def exe() -> bytes:
    """The start of a Windows program (DOS ``MZ`` header and the PE stub message)."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
        + bytes(50)
        + b"This program cannot be run in DOS mode."
    )


def xlsx(rows: list[list[object]] | None = None) -> bytes:
    """A real workbook (openpyxl) with a header row and ``rows``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows or [["编号", "内容"], [1, "示例"]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(text: str = "一、总则") -> bytes:
    """A real Word document (python-docx) with one paragraph."""
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
