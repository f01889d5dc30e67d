"""PDF copies through LibreOffice headless, only where ``soffice`` / ``libreoffice`` is on PATH.

The .docx is always produced; a PDF is an extra (``make run`` installs
LibreOffice from Debian's packages where it can; CI does not).
"""

from __future__ import annotations

import shutil

# bandit B404: LibreOffice runs with an argument list, never through a shell.
import subprocess  # nosec B404
import tempfile
from pathlib import Path

#: Seconds LibreOffice may take for one document before the conversion is abandoned.
TIMEOUT_S = 120


def soffice() -> str | None:
    """Return the path of LibreOffice's ``soffice`` (or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """True if PDF copies can be made here."""
    return soffice() is not None


def to_pdf(name: str, data: bytes) -> tuple[str, bytes] | None:
    """Convert the document ``data`` named ``name`` (.docx / .xlsx) to PDF; None without LibreOffice.

    Raises ``subprocess.CalledProcessError`` / ``TimeoutExpired`` if LibreOffice fails.
    """
    exe = soffice()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="yingji-pdf-") as tmp:
        src = Path(tmp) / ("in" + Path(name).suffix)
        src.write_bytes(data)
        # A profile of its own, so that a running LibreOffice of the same user does not block it.
        profile = Path(tmp) / "profile"
        # bandit B603: the program is soffice as found by shutil.which, the arguments a list (no
        # shell) of this function's temporary paths; no request text reaches the command line.
        subprocess.run(  # nosec B603
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_S,
        )
        return str(Path(name).with_suffix(".pdf")), (Path(tmp) / "in.pdf").read_bytes()
