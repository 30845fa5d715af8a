"""Uploaded packs: a zip of the pack folder loads exactly as the folder does; unsafe or oversized archives
are refused whole, with codes; only the pack's own files are read, as UTF-8."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from survey_app.packs import PackError, load_pack
from survey_app.packs.archive import MAX_MEMBERS, MAX_UPLOAD
from survey_app.packs.upload import load_upload
from survey_app.texts import say_error

from .support.campaigns import PACKS


def _zip(entries: dict[str, bytes | str], infos: list[zipfile.ZipInfo] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)
        for info in infos:
            z.writestr(info, b"x")
    return out.getvalue()


def _folder(pack: str, prefix: str) -> dict[str, bytes]:
    root = PACKS / pack
    return {prefix + p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _codes(name: str, data: bytes) -> list[str]:
    with pytest.raises(PackError) as exc:
        load_upload(name, data)
    say_error(exc.value)  # every code renders
    return [i.code for i in exc.value.issues]


@pytest.mark.parametrize("prefix", ["son-la-2024/", "", "tai-ve/son-la-2024/"])
def test_a_zipped_pack_folder_loads_like_the_folder(prefix):
    entries = _folder("son-la-2024", prefix)
    entries[prefix + "README.md"] = "ghi chú"  # not a pack file: not read
    entries[prefix + "questions/ghi-chu.txt"] = "không đọc"
    entries[prefix + "thu-muc/khac.yaml"] = "x: [không hợp lệ"  # not in questions/: not read
    entries["__MACOSX/._pack.yaml"] = b"\x00\x05\x16\x07"
    loaded = load_upload("goi.zip", _zip(entries))
    folder = load_pack(PACKS / "son-la-2024")
    assert loaded.content == folder.content
    assert loaded.sha256 == folder.sha256  # the same files, the same hash
    assert sorted(loaded.files) == ["pack.yaml", "questions/huyen.yaml", "questions/so.yaml", "units.csv"]


def test_a_bad_pack_in_a_zip_names_the_file_inside_it():
    entries = _folder("son-la-2024", "p/")
    entries["p/questions/so.yaml"] = entries["p/questions/so.yaml"].replace(b"area: LV1", b"area: LV9", 1)
    with pytest.raises(PackError) as exc:
        load_upload("goi.zip", _zip(entries))
    issue = next(i for i in exc.value.issues if i.code == "unknown_area")
    assert (issue.file, issue.path) == ("goi.zip/questions/so.yaml", "questions[0].area")


@pytest.mark.parametrize(
    "member",
    ["../pack.yaml", "p/../../etc/passwd", "/etc/pack.yaml", "C:/Windows/pack.yaml", "p\\..\\..\\x.csv"],
)
def test_a_path_that_could_leave_the_folder_refuses_the_whole_zip(member):
    entries = _folder("son-la-2024", "p/") | {member: "code,name,unit_type\n"}
    assert _codes("goi.zip", _zip(entries)) == ["zip_unsafe_path"]


def test_links_and_encrypted_members_are_refused():
    link = zipfile.ZipInfo("p/units.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries = _folder("son-la-2024", "p/")
    del entries["p/units.csv"]
    assert _codes("goi.zip", _zip(entries, [link])) == ["zip_link"]
    # zipfile writes no encrypted member: mark one as encrypted in its central directory entry.
    data = bytearray(_zip(_folder("son-la-2024", "p/")))
    entry = data.index(b"PK\x01\x02")  # the first member's central directory entry; flags at +8
    data[entry + 8] |= 0x1
    assert _codes("goi.zip", bytes(data)) == ["zip_encrypted"]


def test_size_limits():
    assert _codes("goi.zip", b"x" * (MAX_UPLOAD + 1)) == ["upload_too_large"]
    bomb = _zip(_folder("son-la-2024", "p/") | {"p/khong.bin": b"\0" * (31 * 1024 * 1024)})
    assert len(bomb) < MAX_UPLOAD
    assert _codes("goi.zip", bomb) == ["zip_too_large"]
    many = _zip({f"p/f{i}.txt": "" for i in range(MAX_MEMBERS + 1)})
    assert _codes("goi.zip", many) == ["zip_too_many"]


def test_what_is_not_one_pack_is_refused():
    assert _codes("goi.zip", b"not a zip at all") == ["zip_unreadable"]
    assert _codes("goi.zip", _zip({"doc.txt": "x"})) == ["zip_no_pack"]
    two = _folder("son-la-2024", "a/") | _folder("hai-cap-2025", "b/")
    assert _codes("goi.zip", _zip(two)) == ["zip_two_packs"]
    assert _codes("goi.rar", b"Rar!") == ["upload_type"]
    assert _codes("goi.zip", b"") == ["upload_empty"]


def test_a_pack_file_that_is_not_utf8_is_named():
    entries = _folder("son-la-2024", "p/")
    entries["p/units.csv"] = b"code,name,unit_type\nSO-NV,S\xf4 N\xf4i v\xf5,so\n"  # Latin-1 bytes, not UTF-8
    with pytest.raises(PackError) as exc:
        load_upload("goi.zip", _zip(entries))
    assert [(i.file, i.code) for i in exc.value.issues] == [("goi.zip/p/units.csv", "not_utf8")]


def test_an_xlsx_upload_goes_to_the_workbook_reader():
    from survey_app.packs.xlsx import write_workbook

    loaded = load_upload("Tiêu chí 2024.XLSX", write_workbook(load_pack(PACKS / "hai-cap-2025").content))
    assert loaded.content == load_pack(PACKS / "hai-cap-2025").content
    assert Path(PACKS / "hai-cap-2025" / "pack.yaml").is_file()
