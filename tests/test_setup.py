"""Set-up says what it is doing, installs without setuptools warnings, and `make run` serves the demo."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def recipes() -> dict[str, list[str]]:
    """Each Makefile target's recipe lines."""
    found: dict[str, list[str]] = {}
    target = None
    for line in (PROJECT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and target:
            found[target].append(line.strip())
        elif re.match(r"^[^\s#][^:=]*:(?!=)", line):
            target = line.split(":")[0].strip()
            found[target] = []
        elif not line.startswith("\t"):
            target = None if not line.strip() or not line.startswith((" ", "\t")) else target
    return found


def test_make_run_serves_the_demo_and_only_it():
    assert any("moderation serve --demo" in line for line in recipes()["run"])


@pytest.mark.parametrize("slow", ["pip install", "apt-get install", "apt-get update", "-m venv"])
def test_every_slow_step_of_set_up_says_first_what_it_is_doing(slow):
    for target, lines in recipes().items():
        text = "\n".join(lines)
        if slow not in text:
            continue
        before = text[:text.index(slow)]
        assert "echo" in before.splitlines()[-1] or "echo" in before, f"`make {target}` runs {slow} without saying so first"


def test_an_editable_install_prints_no_setuptools_warning(tmp_path):
    # The default path of `make install`: `pip install -e .`, here into a throwaway virtualenv (no dependencies).
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, capture_output=True)
    pip = [str(tmp_path / "venv" / "bin" / "python"), "-m", "pip"]
    # As `make install` does first: the pip a venv starts with hides what a newer one shows of the build.
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True, capture_output=True, timeout=300)
    done = subprocess.run([*pip, "install", "--quiet", "--no-deps", "-e", str(PROJECT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # Lines about this machine's own pip configuration (an index folder it lists that lacks a package) are not the project's.
    printed = [line for line in (done.stdout + done.stderr).splitlines() if line.strip() and not line.startswith("WARNING: Location '")]
    assert not [line for line in printed if "warning" in line.lower() or "!!" in line], "\n".join(printed)
    # Found, not imported: without --no-deps' dependencies the import itself would fail.
    check = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-c", "import importlib.util; print(importlib.util.find_spec('moderation').origin)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.stdout.strip() == str(PROJECT / "moderation" / "__init__.py")  # editable: the project's own files
