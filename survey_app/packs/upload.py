"""An uploaded pack, as Home Affairs sends it from the campaign page: a .zip of the pack folder, or the
criteria workbook (.xlsx). Either way the pack is loaded by `load_pack_files`, like a folder."""

from __future__ import annotations

from pathlib import Path

from .archive import check_size, pack_files_from_zip
from .checks import PackIssue
from .loader import LoadedPack, PackError, load_pack_files
from .xlsx import load_workbook_pack

KINDS = {".zip": "zip", ".xlsx": "xlsx"}


def load_upload(name: str, data: bytes) -> LoadedPack:
    """Read an uploaded pack and load it; PackError lists every problem (nothing is written anywhere)."""
    kind = upload_kind(name)
    check_size(name, data)
    if kind == "zip":
        return load_pack_files(pack_files_from_zip(name, data), origin=name)
    return load_workbook_pack(data, name)


def upload_kind(name: str) -> str:
    """'zip' or 'xlsx', by the file's name; PackError for anything else."""
    kind = KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise PackError([PackIssue(name, "", "upload_type")])
    return kind
