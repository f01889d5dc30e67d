"""Compile the translation catalogues (.po → .mo) with polib, so no gettext tools are needed."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).with_name("locale")


def compile_messages(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each ``.mo`` whose ``.po`` is newer; return the paths written.

    Raises ``OSError`` if a catalogue cannot be read or written.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    if written:
        # Catalogues already read in this process are stale: let Django read them again.
        from django.utils.translation.reloader import translation_file_changed

        translation_file_changed(sender=None, file_path=written[0])
    return written
