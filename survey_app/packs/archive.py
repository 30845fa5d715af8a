"""Zip archives received from a browser: a pack folder zipped, or the criteria workbook (an .xlsx is a zip).

Nothing is ever extracted to disk. A zip is refused whole when a member's path could leave the
folder (absolute, a drive, `..`), is a link, is encrypted, or when it would unpack to more than the
limit; of the rest only the pack's own files are read (pack.yaml, questions/*.yaml, *.csv beside
pack.yaml), as UTF-8.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from .checks import PackIssue
from .loader import PackError

MAX_UPLOAD = 5 * 1024 * 1024  # bytes received: a pack with thousands of units is a few hundred KB
MAX_UNPACKED = 30 * 1024 * 1024  # bytes once unpacked (a zip bomb stops here)
MAX_MEMBERS = 2000
_MB = 1024 * 1024


def check_size(name: str, data: bytes) -> None:
    if not data:
        raise PackError([PackIssue(name, "", "upload_empty")])
    if len(data) > MAX_UPLOAD:
        raise PackError([PackIssue(name, "", "upload_too_large", {"size": len(data) / _MB, "limit": MAX_UPLOAD / _MB})])


def open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """The archive, once every member is known to be safe to read; PackError otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise PackError([PackIssue(name, "", "zip_unreadable", {"detail": type(exc).__name__})]) from None
    if len(members) > MAX_MEMBERS:
        raise PackError([PackIssue(name, "", "zip_too_many", {"count": len(members), "limit": MAX_MEMBERS})])
    issues, seen = [], set()
    for info in members:
        member = info.filename
        if not _safe(member):
            issues.append(PackIssue(name, "", "zip_unsafe_path", {"member": member}))
        elif (info.external_attr >> 16) & 0o170000 == 0o120000:
            issues.append(PackIssue(name, "", "zip_link", {"member": member}))
        elif info.flag_bits & 0x1:
            issues.append(PackIssue(name, "", "zip_encrypted", {"member": member}))
        elif member in seen:
            issues.append(PackIssue(name, "", "zip_duplicate", {"member": member}))
        seen.add(member)
    unpacked = sum(i.file_size for i in members)
    if unpacked > MAX_UNPACKED:
        issues.append(PackIssue(name, "", "zip_too_large", {"size": unpacked / _MB, "limit": MAX_UNPACKED / _MB}))
    if issues:
        raise PackError(issues)
    return archive


def pack_files_from_zip(name: str, data: bytes) -> dict[str, str]:
    """{path inside the pack: text} of the pack files in a zip of the pack folder (or of its content)."""
    archive = open_zip(name, data)
    names = [i.filename for i in archive.infolist() if not i.is_dir() and not _noise(i.filename)]
    roots = sorted(n[: -len("pack.yaml")] for n in names if PurePosixPath(n).name == "pack.yaml")
    if not roots:
        raise PackError([PackIssue(name, "", "zip_no_pack")])
    if len(roots) > 1:
        raise PackError([PackIssue(name, "", "zip_two_packs", {"paths": [f"{r}pack.yaml" for r in roots]})])
    root = roots[0]
    files, issues = {}, []
    for member in names:
        inner = member[len(root) :] if member.startswith(root) else None
        if inner is None or not _pack_file(inner):
            continue
        raw = _read(name, archive, member)
        try:
            files[inner] = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            issues.append(PackIssue(f"{name}/{member}", "", "not_utf8", {"byte": exc.start}))
    if issues:
        raise PackError(issues)
    return files


def _read(name: str, archive: zipfile.ZipFile, member: str) -> bytes:
    """A member's bytes, never more than the declared size allows (a forged size stops here too)."""
    try:
        with archive.open(member) as fh:
            return fh.read(MAX_UNPACKED + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:  # a CRC or a size that lied
        raise PackError([PackIssue(name, "", "zip_unreadable", {"detail": type(exc).__name__})]) from None


def _safe(member: str) -> bool:
    path = member.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return False
    return ".." not in PurePosixPath(path).parts


def _noise(member: str) -> bool:
    """Folders and files an archiver adds by itself (macOS resource forks, Finder and Explorer files)."""
    parts = PurePosixPath(member).parts
    return parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db", "desktop.ini")


def _pack_file(inner: str) -> bool:
    """pack.yaml, questions/*.yaml and *.csv beside pack.yaml: what `load_pack` reads from a folder."""
    parts = PurePosixPath(inner).parts
    if len(parts) == 1:
        return parts[0] == "pack.yaml" or parts[0].endswith(".csv")
    return len(parts) == 2 and parts[0] == "questions" and parts[1].endswith(".yaml")
