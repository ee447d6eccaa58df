"""The wheel is the product: built from the sources, installed into a fresh environment, it answers a
fact file from outside the repository with the knowledge base it ships; a draft folder still overrides it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import clingo
import pytest
import typer
import yaml
from typer.testing import CliRunner

from pysvc import __version__
from pysvc.cli import app

from .conftest import ROOT

EXAMPLE = "1-freight-comprehensive-eligible.yaml"


def _fresh_environment(folder: Path) -> Path:
    """A new virtual environment whose only svctrade is the wheel; the dependencies come from the
    environment running the tests (a .pth entry), so nothing is downloaded. Returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dependencies = {str(Path(module.__file__).resolve().parent.parent) for module in (clingo, typer, yaml)}
    dependencies.add(sysconfig.get_paths()["purelib"])
    (Path(purelib) / "dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n", encoding="utf-8")
    return folder / "bin"


def test_the_wheel_ships_the_knowledge_base_and_answers_from_outside_the_repository(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so that building leaves no build/ folder in the checkout
    for name in ("pysvc", "kb"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source)]
    subprocess.run(build, check=True, capture_output=True)  # with this environment's setuptools (test extra)
    (wheel,) = tmp_path.glob("svctrade-*.whl")
    venv = tmp_path / "venv"
    bin_folder = _fresh_environment(venv)
    subprocess.run(
        [*pip, "--python", str(bin_folder / "python"), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ROOT / "facts" / "examples" / EXAMPLE, elsewhere / EXAMPLE)
    env = {k: v for k, v in os.environ.items() if k not in ("SVCTRADE_KB", "PYTHONPATH")}

    def run(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(arguments, cwd=elsewhere, env=env, capture_output=True, text=True, check=False)

    located = run(
        bin_folder / "python", "-c", "import pysvc, pysvc.kb; print(pysvc.__file__); print(pysvc.kb.kb_dir())"
    )
    assert located.returncode == 0, located.stderr
    package, knowledge_base = map(Path, located.stdout.split())
    assert package.is_relative_to(venv) and knowledge_base.is_relative_to(venv), located.stdout
    assert (package.parent / "py.typed").is_file()
    checked = run(bin_folder / "svctrade", "check", EXAMPLE, "--programme", "1")
    assert checked.returncode == 0, checked.stderr
    assert "【1】" in checked.stdout and "符合" in checked.stdout
    assert run(bin_folder / "svctrade", "--version").stdout.strip() == f"svctrade {__version__}"


def test_a_draft_folder_replaces_the_shipped_knowledge_base(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = tmp_path / "drafts" / "2023"
    shutil.copytree(ROOT / "kb" / "2023", draft)
    chapter = draft / "ch02.lp"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("上海市旅游星级酒店", "草稿酒店"), encoding="utf-8")
    example = str(ROOT / "facts" / "examples" / "2.1-star-hotel-eligible.yaml")
    monkeypatch.chdir(tmp_path)
    by_path = runner.invoke(app, ["check", example, "-p", "2.1", "--catalogue", "drafts/2023"])
    assert by_path.exit_code == 0, by_path.output
    assert "草稿酒店" in by_path.stdout
    assert "草稿酒店" not in runner.invoke(app, ["check", example, "-p", "2.1"]).stdout
    by_environment = runner.invoke(app, ["check", example, "-p", "2.1"], env={"SVCTRADE_KB": str(draft.parent)})
    assert "草稿酒店" in by_environment.stdout
    missing = runner.invoke(app, ["check", example, "--catalogue", "drafts/2099"])
    assert missing.exit_code == 2
    assert "no knowledge base for catalogue 'drafts/2099'" in missing.output
