"""``glossary-editor init``: a commented settings file with what was detected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from editor.cli import main

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"


def _findings(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    main(["check", str(folder), "--no-cache", "--format", "csv"])
    return capsys.readouterr().out


def test_init_writes_the_detected_setup_and_check_reads_it_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "hugo"
    shutil.copytree(SITES / "hugo", site)
    before = _findings(site, capsys)
    assert main(["init", str(site)]) == 0
    written = site / "glossary-editor.yaml"
    assert capsys.readouterr().out.strip() == str(written)
    text = written.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["seo"]["fields"]["description"] == "description"
    assert data["site"]["uploads"] == "static/images"
    assert "# Site: Hugo" in text and "hugo.toml" in text
    assert _findings(site, capsys) == before  # the file states what was already used


def test_init_never_replaces_a_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "glossary-editor.yaml").write_text("seo:\n  title_max_chars: 70\n")
    assert main(["init", str(tmp_path)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "glossary-editor.yaml").read_text() == "seo:\n  title_max_chars: 70\n"


def test_init_print_writes_nothing_and_names_config_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cloudcannon.config.yml").write_text("_inputs:\n  title:\n    type: fancy\n")
    assert main(["init", str(tmp_path), "--print"]) == 0
    out = capsys.readouterr().out
    assert "# Site: CloudCannon" in out
    assert "cloudcannon.config.yml:3: _inputs.title: unknown input type 'fancy'" in out
    assert not (tmp_path / "glossary-editor.yaml").exists()


def test_check_names_configuration_problems_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SITES / "hugo", tmp_path / "site")
    (tmp_path / "site" / "frontmatter.json").write_text('{\n  "a": ,\n}\n')
    assert main(["check", str(tmp_path / "site"), "--no-cache", "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert "warning: frontmatter.json:2:" in captured.err
    assert "content/docs/quick-start.md,description-missing" in captured.out
