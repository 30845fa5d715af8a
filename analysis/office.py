"""A PDF copy of a DOCX or XLSX made by LibreOffice, when it is installed (Debian: libreoffice-writer-nogui,
libreoffice-calc-nogui). Each conversion runs with its own throw-away profile, so it neither waits for
nor disturbs a LibreOffice the user has open, and it is killed with its children after `timeout`."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
TIMEOUT = 180  # seconds; a cold start of LibreOffice on a busy machine takes 5–20 s


class ConversionError(RuntimeError):
    """LibreOffice ran but made no PDF (a damaged file, a timeout)."""


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: str | Path, out_dir: str | Path, timeout: float = TIMEOUT) -> Path | None:
    """Convert `source` to `out_dir/<stem>.pdf`; None when LibreOffice is not installed."""
    office = office_binary()
    if office is None:
        return None
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    if not source.is_file():
        raise FileNotFoundError(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (source.stem + ".pdf")
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [
            office,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        # Its own session, so a timeout ends soffice.bin too and not only the launcher.
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(f"LibreOffice did not convert {source.name} within {timeout:g} s") from None
    if proc.returncode != 0 or not target.is_file():
        message = err.decode("utf-8", "replace").strip()
        raise ConversionError(f"LibreOffice made no PDF of {source.name} (exit {proc.returncode}): {message}")
    log.info("converted %s to PDF", source.name)
    return target
