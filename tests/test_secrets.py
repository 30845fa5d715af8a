"""Secrets at start-up (no placeholder, nothing guessable) and links.csv readable by its owner only."""

from __future__ import annotations

import csv
import os
import re
import secrets
import stat
import subprocess
import sys

import pytest

from survey_app import config as app_config
from survey_app import create_app
from survey_app.config import ROOT, Config, ConfigError
from survey_app.services.survey import invitations

HOW = 'tạo giá trị mới bằng lệnh python -c "import secrets; print(secrets.token_urlsafe(32))"'
GOOD = {"SECRET_KEY": "Qm4s-9vTz_Lx2Rb7Kc0Wn8Yd3Hf6Jp1A", "LINK_SECRET": "uE5oG2iB7tV0sZ9qX4wC1mN8kD6rF3yL"}


def _placeholders() -> list[tuple[str, str]]:
    """The secrets exactly as .env.example ships them."""
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    found = [tuple(line.split("=", 1)) for line in lines if line.startswith(("SECRET_KEY=", "LINK_SECRET="))]
    assert {name for name, _ in found} == {"SECRET_KEY", "LINK_SECRET"}
    return found


def _config(monkeypatch, **values: str) -> Config:
    for name, value in {**GOOD, **values}.items():
        monkeypatch.setenv(name, value)
    return Config()


@pytest.mark.parametrize(("name", "value"), _placeholders())
def test_the_placeholders_of_env_example_stop_the_start(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match=rf"^{name} vẫn là giá trị mẫu của \.env\.example; {re.escape(HOW)}"):
        create_app(_config(monkeypatch, **{name: value}))


WEAK = {
    "missing": ("", "chưa được đặt"),
    "an edited placeholder": ("Change-Me-to-a-long-random-string-2", "vẫn là giá trị mẫu của .env.example"),
    "short": ("Xy7#kP2m-Qa9", "ngắn hơn 16 ký tự"),
    "one letter": ("a" * 64, "có quá ít ký tự khác nhau (1, cần ít nhất 10)"),
    "a repeated word": ("secretsecretsecretsecret", "có quá ít ký tự khác nhau (5,"),
    "a word and digits twice": ("matkhau123matkhau123", "có quá ít ký tự khác nhau (9,"),
    "mostly one letter": ("a" * 40 + "bcdefghij", "dễ đoán (khoảng 62 bit ngẫu nhiên, cần ít nhất 64)"),
}


@pytest.mark.parametrize("name", ["SECRET_KEY", "LINK_SECRET"])
@pytest.mark.parametrize("case", WEAK)
def test_a_weak_secret_stops_the_start_and_says_how_to_make_one(monkeypatch, name, case):
    value, reason = WEAK[case]
    with pytest.raises(ConfigError) as refused:
        _config(monkeypatch, **{name: value}).check()
    message = str(refused.value)
    assert message.startswith(f"{name} {reason}") and HOW in message
    if value:
        assert value not in message  # a start-up error never prints the secret


def test_the_two_secrets_must_differ(monkeypatch):
    with pytest.raises(ConfigError, match="^LINK_SECRET phải khác SECRET_KEY"):
        _config(monkeypatch, LINK_SECRET=GOOD["SECRET_KEY"]).check()


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32)])
def test_generated_secrets_are_accepted(monkeypatch, make):
    for _ in range(200):
        _config(monkeypatch, SECRET_KEY=make(), LINK_SECRET=make()).check()


def test_the_secrets_make_run_writes_are_accepted(monkeypatch, tmp_path):
    """The Makefile's own .env recipe, run as it is written there."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r'^\.env:.*\n\t\$\(BIN\)/python -c "(.+)" > \.env$', makefile, re.M).group(1)
    env_file = subprocess.run([sys.executable, "-c", recipe], check=True, capture_output=True, text=True).stdout
    values = dict(line.split("=", 1) for line in env_file.splitlines())
    assert set(values) == {"SECRET_KEY", "LINK_SECRET"}
    _config(monkeypatch, **values).check()


def test_the_test_settings_pass_the_check(tmp_path):
    app_config.TestConfig(f"sqlite:///{tmp_path / 'x.sqlite3'}").check()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_links_csv_is_readable_by_its_owner_only(sonla, tmp_path):
    fresh = tmp_path / "links.csv"
    assert invitations.export_links(sonla.campaign, fresh) == 7
    assert _mode(fresh) == 0o600

    older = tmp_path / "old-links.csv"  # a file left by an earlier export or made by hand, readable by all
    older.write_text("old content that is longer than nothing\n" * 200)
    older.chmod(0o644)
    assert invitations.export_links(sonla.campaign, older) == 7
    assert _mode(older) == 0o600
    with older.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 8 and rows[0][0] == "unit_code" and not any("old content" in c for r in rows for c in r)


@pytest.mark.parametrize(
    ("name", "value"), [("SMTP_PORT", "abc"), ("ZALO_MIN_INTERVAL", "0,2"), ("OUTBOX_BATCH", "5O")]
)
def test_a_number_setting_that_is_not_a_number_names_the_setting_in_vietnamese(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        _config(monkeypatch)
    assert str(refused.value) == f"{name} phải là một số, không phải «{value}»"
