"""Uploaded files, checked by what they contain, not by what they are called (issue 8 §4).

Every file that comes in — through a page, the API or the command line —
passes :func:`check` with its *purpose* before anything is written. The
purpose says which kinds it accepts (:data:`PURPOSES`) and how large a file
may be (``settings.YINGJI_UPLOAD_MAX_BYTES[purpose]``, bytes). The kind is
read from the content, never from the name:

- images, video, audio and PDF by their magic numbers, with the ``filetype``
  library (pure Python, no libmagic to install on a township's server);
- .xlsx and .docx as what they are: a ZIP holding the Office Open XML parts
  (``[Content_Types].xml`` plus ``xl/workbook.xml`` or ``word/document.xml``),
  whose members together unpack to at most
  ``settings.YINGJI_UPLOAD_MAX_UNPACKED_BYTES``. Python's ``zipfile`` (which
  openpyxl and python-docx read through) never unpacks a member beyond its
  declared size, so the declared sizes bound the work: a zip bomb is refused
  before it is opened. XML entity tricks inside are refused by ``defusedxml``,
  which openpyxl uses when it is installed;
- .txt as text that decodes (a byte-order mark, UTF-16, UTF-8, GB18030 — the
  plan importer's order) and holds no binary control characters.

A refusal raises ``ValidationError`` with a message in the reader's language
and writes nothing. Stored files get a random name with the extension of the
kind found (:func:`stored_name`); the name the user gave is kept only as a
label. Files live under ``MEDIA_ROOT`` (``var/media/``), which no URL serves:
they go out only through views that look the row up in the reader's township.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Bytes read from the start of a file to tell its kind (filetype reads at most 8 KB).
HEAD = 8192
#: A ZIP with more members than this is refused (an .xlsx has a few dozen).
MAX_MEMBERS = 10_000
#: Bytes read from the start of each XML part of an .xlsx / .docx to look for a DTD.
PROLOG = 65536


@dataclass(frozen=True)
class Kind:
    """An accepted kind of file: ``key``, the ``extension`` it is stored with, its ``mime`` type."""

    key: str
    extension: str
    mime: str
    label: Promise


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("jpeg", "jpg", "image/jpeg", gettext_lazy("JPEG image")),
        Kind("png", "png", "image/png", gettext_lazy("PNG image")),
        Kind("webp", "webp", "image/webp", gettext_lazy("WebP image")),
        Kind("mp4", "mp4", "video/mp4", gettext_lazy("MP4 video")),
        Kind("mp3", "mp3", "audio/mpeg", gettext_lazy("MP3 audio")),
        Kind("m4a", "m4a", "audio/mp4", gettext_lazy("M4A audio")),
        Kind("wav", "wav", "audio/x-wav", gettext_lazy("WAV audio")),
        Kind("amr", "amr", "audio/amr", gettext_lazy("AMR audio")),
        Kind("aac", "aac", "audio/aac", gettext_lazy("AAC audio")),
        Kind("ogg", "ogg", "audio/ogg", gettext_lazy("Ogg audio")),
        Kind("pdf", "pdf", "application/pdf", gettext_lazy("PDF document")),
        Kind(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            gettext_lazy("Excel workbook (.xlsx)"),
        ),
        Kind(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            gettext_lazy("Word document (.docx)"),
        ),
        Kind("txt", "txt", "text/plain", gettext_lazy("text file (.txt)")),
    )
}
_BY_MIME = {k.mime: k for k in KINDS.values()}
_BY_EXTENSION = {k.extension: k for k in KINDS.values()}
_STORED = re.compile(r"^[0-9a-f]{32}\.([a-z0-9]+)$")

_MEDIA = ("jpeg", "png", "webp", "mp4", "mp3", "m4a", "wav", "amr", "aac", "ogg", "pdf")
#: Purpose → the kinds it accepts. Evidence and on-scene attachments are what a
#: body-worn camera or a phone records (plan §六(五)1(3)) and scanned papers; the
#: summary report's attachment is the signed document; imports are workbooks or
#: the plan document (.txt / .docx).
PURPOSES: dict[str, tuple[str, ...]] = {
    "evidence": _MEDIA,
    "attachment": _MEDIA,
    "summary": ("pdf", "docx", "jpeg", "png"),
    "ledger": ("xlsx",),
    "complaints": ("xlsx",),
    "plan": ("txt", "docx"),
}

# What a refused file was found to be, for the message (kinds not accepted anywhere).
_FOUND: dict[str, Any] = {
    "application/x-msdownload": gettext_lazy("a Windows program"),
    "application/x-executable": gettext_lazy("a program"),
    "application/x-sh": gettext_lazy("a script"),
    "application/zip": gettext_lazy("a ZIP archive"),
    "application/x-rar-compressed": gettext_lazy("a RAR archive"),
    "application/x-7z-compressed": gettext_lazy("a 7-Zip archive"),
    "application/gzip": gettext_lazy("a gzip archive"),
    "text/html": gettext_lazy("a web page (HTML)"),
}


@dataclass(frozen=True)
class Checked:
    """A file that passed: its ``kind`` (found from the content) and ``size`` in bytes."""

    kind: Kind
    size: int


def limit(purpose: str) -> int:
    """Return the largest accepted size of an upload for ``purpose``, in bytes (settings)."""
    return int(settings.YINGJI_UPLOAD_MAX_BYTES[purpose])


def _refuse(message: str) -> ValidationError:
    """Return the ``ValidationError`` (code ``upload``) of a refused file with ``message``."""
    return ValidationError(message, code="upload")


def _size_of(data: Any) -> int:
    """Return the size of ``data`` in bytes: its length, an ``UploadedFile``'s ``size``, or by seeking.

    A file read by seeking is left at the position it had.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        return len(data)
    size = getattr(data, "size", None)
    if size is not None:
        return int(size)
    position = data.tell()
    data.seek(0, io.SEEK_END)
    end = data.tell()
    data.seek(position)
    return int(end)


def _as_file(data: Any) -> IO[bytes]:
    """Return ``data`` as a seekable binary file (bytes are wrapped, a file is returned as it is)."""
    return io.BytesIO(bytes(data)) if isinstance(data, bytes | bytearray | memoryview) else data


def check(data: Any, purpose: str, *, name: str = "") -> Checked:
    """Check an upload for ``purpose`` (a key of :data:`PURPOSES`); return what it is.

    ``data`` is the bytes or a seekable binary file (Django's ``UploadedFile``),
    left at position 0. ``name`` (the user's file name) is used only in
    messages. Raises ``ValidationError`` (code ``upload``) for an empty or
    over-large file, content of a kind the purpose does not accept, a damaged
    or over-large ZIP, or text that does not decode. Raises ``KeyError`` for
    an unknown purpose.
    """
    accepted = PURPOSES[purpose]
    label = name or getattr(data, "name", "") or _("the file")
    size = _size_of(data)
    if size == 0:
        raise _refuse(_("“%(name)s” is empty.") % {"name": label})
    most = limit(purpose)
    if size > most:
        raise _refuse(
            _("“%(name)s” is %(size)s; at most %(limit)s may be uploaded here.")
            % {"name": label, "size": filesizeformat(size), "limit": filesizeformat(most)}
        )
    handle = _as_file(data)
    handle.seek(0)
    head = handle.read(HEAD)
    handle.seek(0)
    try:
        kind, found = _identify(handle, head, accepted, label)
    finally:
        handle.seek(0)
    if kind is None or kind.key not in accepted:
        names = "、".join(str(KINDS[k].label) for k in accepted)
        if found:
            raise _refuse(
                _(
                    "By its content “%(name)s” is %(found)s, which is not accepted here (accepted: %(accepted)s)."
                )
                % {"name": label, "found": found, "accepted": names}
            )
        raise _refuse(
            _(
                "The content of “%(name)s” is none of the kinds accepted here (%(accepted)s); "
                "a file's name does not count."
            )
            % {"name": label, "accepted": names}
        )
    return Checked(kind, size)


def _identify(
    handle: IO[bytes], head: bytes, accepted: tuple[str, ...], label: str
) -> tuple[Kind | None, str]:
    """Return the kind found in the content (None if no known one) and, if refused, what it is."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(handle, label)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return None, _(
            "an old Office file (.doc / .xls); save it as .docx or .xlsx and upload it again"
        )
    guess = filetype.guess(head)
    if guess is not None:
        kind = _BY_MIME.get(guess.mime)
        if kind is not None:
            return kind, "" if kind.key in accepted else str(kind.label)
        return None, str(_FOUND.get(guess.mime, guess.mime))
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return None, str(_FOUND["text/html"])
    if "txt" in accepted and _is_text(handle):
        return KINDS["txt"], ""
    return None, ""


def _zip_kind(handle: IO[bytes], label: str) -> tuple[Kind | None, str]:
    """Return the OOXML kind of a ZIP (xlsx / docx), or None and what it is instead."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse(
            _("“%(name)s” is damaged: it is not a complete ZIP / Office file.") % {"name": label}
        ) from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(
            _("“%(name)s” holds more than %(n)d files; it is refused.")
            % {"name": label, "n": MAX_MEMBERS}
        )
    unpacked = sum(m.file_size for m in members)
    most = int(settings.YINGJI_UPLOAD_MAX_UNPACKED_BYTES)
    if unpacked > most:
        raise _refuse(
            _(
                "“%(name)s” unpacks to %(size)s, more than the %(limit)s allowed; "
                "it is refused (a possible zip bomb)."
            )
            % {"name": label, "size": filesizeformat(unpacked), "limit": filesizeformat(most)}
        )
    names = {m.filename for m in members}
    kind = None
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            kind = KINDS["xlsx"]
        elif "word/document.xml" in names:
            kind = KINDS["docx"]
    if kind is None:
        return None, str(_FOUND["application/zip"])
    handle.seek(0)
    with zipfile.ZipFile(handle) as archive:
        for member in members:
            if member.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, member):
                raise _refuse(
                    _(
                        "“%(name)s” holds an XML document type declaration, which Office files "
                        "never have; it is refused."
                    )
                    % {"name": label}
                )
    return kind, ""


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Return whether the start of an XML part declares a DTD or entities (OPC forbids both).

    Reads at most :data:`PROLOG` bytes of the part; a declaration hidden further
    on is refused by defusedxml when openpyxl parses the part.
    """
    try:
        with archive.open(member) as part:
            start = part.read(PROLOG)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False  # an unreadable part: openpyxl / python-docx refuse the file
    return b"<!doctype" in start.lower() or b"<!entity" in start.lower()


def _is_text(handle: IO[bytes]) -> bool:
    """Return whether the whole file decodes as text (BOM, UTF-16, UTF-8, GB18030) and reads as text.

    Text has next to no control characters (besides line ends and tabs), and
    no unassigned or private-use code points, which binary data decoded as
    UTF-16 is full of.
    """
    data = handle.read()
    handle.seek(0)
    if data.startswith(b"\xef\xbb\xbf"):
        codecs = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codecs = ["utf-16"]
    elif b"\x00" in data[:65536]:
        codecs = ["utf-16-le", "utf-16-be"]
    else:
        codecs = ["utf-8", "gb18030"]
    for codec in codecs:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        odd = sum(
            1
            for ch in sample
            if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
        )
        return odd <= max(3, len(sample) // 200)
    return False


def read_checked(upload: Any, purpose: str, *, field: str = "file") -> bytes:
    """Check ``upload`` (a Django ``UploadedFile``) for ``purpose``, then return its bytes.

    For the importers, which take the content as bytes: the size and kind are
    checked before the file is read into memory. Raises ``ValidationError``
    on ``field``.
    """
    try:
        check(upload, purpose, name=getattr(upload, "name", "") or "")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return bytes(upload.read())


def mime_of_stored(name: str) -> str:
    """Return the MIME type to serve a stored file with: its kind's, from the stored extension.

    Files stored before content checking kept the user's name; they go out as
    ``application/octet-stream``.
    """
    match = _STORED.match(name.rsplit("/", 1)[-1])
    kind = _BY_EXTENSION.get(match.group(1)) if match else None
    return kind.mime if kind is not None else "application/octet-stream"


def stored_name(checked: Checked) -> str:
    """Return the name to store a checked file under: a random id and the extension of its kind."""
    return f"{uuid.uuid4().hex}.{checked.kind.extension}"


@contextmanager
def removed_on_failure() -> Iterator[list[FieldFile]]:
    """Yield a list to which stored files are appended; delete them if the block raises.

    A file is written to ``MEDIA_ROOT`` before its row commits; when the
    transaction then rolls back, this takes the file away again, so that a
    refused or failed action leaves nothing behind.
    """
    saved: list[FieldFile] = []
    try:
        yield saved
    except BaseException:
        for f in saved:
            if f.name:
                f.storage.delete(f.name)
        raise
