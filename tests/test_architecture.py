"""The house rules, checked on the source: which package may import which, no import circles, and no
sentence a person reads written inside a service (services return codes; catalogues say them)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from survey_app.config import ROOT

PACKAGES = ("survey_app", "bots", "analysis")
WEB_AND_CLI = (
    "survey_app.admin",
    "survey_app.api",
    "survey_app.respond",
    "survey_app.index_admin",
    "survey_app.cli",
    "survey_app.documents",
    "survey_app.filters",
    "survey_app.auth",
    "survey_app.security",
)


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module `name` imports (absolute names, relative ones resolved), at any depth of the file."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            base = base if node.level else node.module
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES}
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _violations(importers, forbidden) -> list[str]:
    return sorted(
        f"{m} imports {t}" for m in MODULES if _within(m, importers) for t in IMPORTS[m] if _within(t, forbidden)
    )


def test_the_scan_sees_the_imports_it_checks():
    """Guard against a scan that finds nothing and so passes: known arrows must be seen."""
    assert "survey_app.services.survey.tallies" in IMPORTS["survey_app.services.survey.responding"]
    assert "flask" in IMPORTS["survey_app.services.survey.invitations"]
    assert "survey_app.services.survey.campaigns" in IMPORTS["survey_app.cli.campaign"]


@pytest.mark.parametrize(
    ("importers", "forbidden", "why"),
    [
        (("survey_app.services",), WEB_AND_CLI + ("bots",), "services never import pages, the API, the CLI or bots"),
        (("survey_app.models",), ("survey_app.services",) + WEB_AND_CLI, "models never import services"),
        (("survey_app.errors", "survey_app.packs", "survey_app.contacts"), ("survey_app.services",), "below services"),
        (("analysis",), ("flask", "survey_app", "bots", "sqlalchemy"), "analysis is pure: plain data in and out"),
        (("survey_app.services.survey",), ("survey_app.services.delivery", "survey_app.services.index"), "wings"),
        (("survey_app.services.delivery",), ("survey_app.services.index", "survey_app.services.monitoring"), "wings"),
        (("survey_app.services.index",), ("survey_app.services.delivery", "survey_app.services.monitoring"), "wings"),
        (
            (
                "survey_app.services.audit",
                "survey_app.services.users",
                "survey_app.services.tabular",
                "survey_app.services.messages",
            ),
            ("survey_app.services.survey", "survey_app.services.delivery", "survey_app.services.index"),
            "the shared rooms below the wings use no wing",
        ),
        (
            ("survey_app.admin", "survey_app.api", "survey_app.respond", "survey_app.index_admin"),
            ("survey_app.cli",),
            "pages do not import the CLI",
        ),
    ],
)
def test_nothing_below_imports_upward(importers, forbidden, why):
    assert _violations(importers, forbidden) == [], why


# A print run is local work (a PDF, no network, no worker): the sending page makes one too.
PRINT_RUNS = {("survey_app.admin.sending", "bots.letters")}


def test_only_the_cli_starts_channel_code():
    """Inside the application only the CLI imports `bots` (to start a worker, a bot or a print run);
    the sending page may start a print run."""
    found = sorted(
        f"{m} imports {t}"
        for m in MODULES
        if _within(m, ("survey_app",)) and not _within(m, ("survey_app.cli",))
        for t in IMPORTS[m]
        if _within(t, ("bots",)) and (m, t) not in PRINT_RUNS
    )
    assert found == []
    assert any(_within(t, ("bots",)) for t in IMPORTS["survey_app.cli.delivery"])  # the scan sees them


def test_no_import_circles():
    """Strongly connected modules, ignoring a module's import of its own package (a blueprint's routes
    importing `bp` from the package that registers them is Flask's idiom, not a circle of design)."""
    graph = defaultdict(set)
    for m, targets in IMPORTS.items():
        for t in targets:
            if t in MODULES and t != m and not m.startswith(t + "."):
                graph[m].add(t)
    index, low, stack, on, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in MODULES:
        if v not in index:
            visit(v)
    assert circles == []


# -- codes, not prose ------------------------------------------------------------------------------

SERVICE_FILES = sorted((ROOT / "survey_app" / "services").rglob("*.py")) + [ROOT / "survey_app" / "errors.py"]
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
DEVELOPER_ERRORS = {"ValueError", "TypeError", "RuntimeError", "KeyError", "AssertionError"}
SQL = re.compile(r"^(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|VACUUM|PRAGMA|JOIN|WITH)\b")  # statements, not prose
# Strings with spaces that are data, not a sentence of the software: the simulated demo's title.
ALLOWED = {" Điều tra xã hội học xác định Chỉ số CCHC năm 2024 – tỉnh Sơn La"}


def _sentences(source: str, label: str) -> list[str]:
    """String literals with a space in them, outside docstrings, log calls and programmers' exceptions."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                skip.add(id(body[0].value))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            is_log = isinstance(func, ast.Attribute) and name in LOGGING and getattr(func.value, "id", "") == "log"
            if is_log or name in DEVELOPER_ERRORS:
                skip |= {id(n) for arg in node.args for n in ast.walk(arg)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        text = node.value.strip()
        if " " in text and node.value not in ALLOWED and not SQL.match(text):
            found.append(f"{label}:{node.lineno}: {text!r}")
    return found


def test_services_write_no_sentences():
    found = [line for path in SERVICE_FILES for line in _sentences(path.read_text(encoding="utf-8"), path.name)]
    assert found == [], "a service returns codes and fields; put the words in a catalogue (survey_app/texts)"


def test_the_sentence_scan_catches_a_sentence_and_spares_logs_and_docstrings():
    source = (
        '"""Module docstring."""\n'
        "def f(unit):\n"
        '    """Function docstring."""\n'
        '    log.info("a log line %s", unit)\n'
        "    if not unit:\n"
        '        raise ValueError("a programmer\'s mistake")\n'
        '    raise ServiceError(f"no unit {unit} in this campaign")\n'
    )
    assert _sentences(source, "probe") == ["probe:7: 'no unit'", "probe:7: 'in this campaign'"]
