"""The public surface stays honest: exports equal __all__, and the engine never imports Flask or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import moderation

ENGINE = Path(moderation.__file__).resolve().parent


def test_public_api_is_all():
    public = {name for name in dir(moderation) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(moderation, name)).__name__ == "module"}
    assert public - modules == set(moderation.__all__)


def test_engine_never_imports_flask_or_sql():
    forbidden = {"flask", "sqlite3", "sqlite_utils", "webhook", "werkzeug"}
    offenders = []
    for path in ENGINE.rglob("*.py"):
        if path == ENGINE / "cli.py":
            continue  # the command line may offer the service's subcommands
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert offenders == []


def test_engine_reads_no_clock():
    offenders = [p.name for p in ENGINE.rglob("*.py") if p.relative_to(ENGINE).as_posix() not in ("cli.py", "evaluation.py") and ("import time" in p.read_text() or "datetime" in p.read_text())]
    assert offenders == []


def test_only_the_store_touches_sqlite():
    service = ENGINE.parent / "webhook"
    offenders = []
    for path in service.rglob("*.py"):
        if path.parent.name == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("sqlite3", "sqlite_utils", "sqlite_migrate")]
    assert offenders == []


def test_the_folders_read_as_the_pipeline():
    # Issue #9: normalise -> detect -> rules -> decision, one module per detector.
    folders = {p.name for p in ENGINE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"normalization", "detectors", "rules"} <= folders
    assert (ENGINE / "engine.py").exists()
    detectors = {p.stem for p in (ENGINE / "detectors").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert {"vulgarity", "phrases", "shouting", "spam", "language", "relevance"} <= detectors
