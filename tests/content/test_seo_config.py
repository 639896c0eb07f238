"""Per-folder SEO settings: defaults, overrides, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.content.errors import ContentError
from editor.content.seo import DEFAULT_SEVERITIES, SeoConfig, load_config
from editor.content.settings_file import CONFIG_FILE


def write(folder: Path, text: str) -> Path:
    path = folder / CONFIG_FILE
    path.write_text(text, encoding="utf-8")
    return folder


def test_defaults_are_the_documented_thresholds() -> None:
    config = SeoConfig()
    assert (config.title_max_chars, config.title_max_px) == (60, 580)
    assert (config.title_min_chars, config.title_min_px, config.title_font_px) == (30, 200, 20)
    assert (config.description_max_chars, config.description_max_px) == (156, 920)
    assert (config.description_min_chars, config.description_font_px) == (120, 14)
    assert config.keyphrase_max_words == 8
    opt_in = {"orphan", "link-moved"}  # off unless seo.enable names them
    assert all(config.enabled(rule) for rule in DEFAULT_SEVERITIES if rule not in opt_in)
    assert not any(config.enabled(rule) for rule in opt_in)
    assert config.severity("title-missing") == "error"
    assert config.severity("title-short") == "info"
    assert config.severity("slug-duplicate") == "error"


def test_no_folder_no_file_or_no_section_gives_defaults(tmp_path: Path) -> None:
    assert load_config(None) == SeoConfig()
    assert load_config(tmp_path) == SeoConfig()
    assert load_config(write(tmp_path, "preview:\n  theme: dark\n")) == SeoConfig()
    assert load_config(write(tmp_path, "")) == SeoConfig()
    assert load_config(write(tmp_path, "seo:\n")) == SeoConfig()


def test_overrides_are_read(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        "# house rules\n"
        "seo:\n"
        "  title_max_chars: 65\n"
        "  title_max_px: 600.5\n"
        "  disable: [title-short, keyphrase-not-in-lead]\n"
        "  severity:\n"
        "    keywords-missing: info\n"
        "    related-broken: error\n",
    )
    config = load_config(folder)
    assert config.title_max_chars == 65
    assert config.title_max_px == 600.5
    assert config.description_max_chars == 156  # untouched
    assert not config.enabled("title-short")
    assert not config.enabled("keyphrase-not-in-lead")
    assert config.enabled("title-long")
    assert config.severity("keywords-missing") == "info"
    assert config.severity("related-broken") == "error"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("seo:\n  title_max_chars: 60\n  title_max: 70\n", 3, 3, ["seo.title_max", "known:"]),
        ("seo:\n  title_max_chars: sixty\n", 2, 20, ["whole number", "'sixty'"]),
        ("seo:\n  title_max_chars: 6.5\n", 2, 20, ["whole number"]),
        ("seo:\n  title_max_px: -3\n", 2, 17, ["above 0"]),
        ("seo:\n  title_max_px: true\n", 2, 17, ["a number"]),
        ("seo:\n  disable: [title-long, title-lenght]\n", 2, 25, ["unknown rule", "title-lenght"]),
        ("seo:\n  disable: title-long\n", 2, 12, ["list of rule names"]),
        ("seo:\n  severity:\n    title-long: fatal\n", 3, 17, ["error, warning, info", "fatal"]),
        ("seo:\n  severity:\n    nope: info\n", 3, 5, ["unknown rule", "nope"]),
        ("seo:\n  title_max_chars: 60\n  title_max_chars: 61\n", 3, 3, ["set twice"]),
        ("seo: [title-long]\n", 1, 6, ["must be a mapping"]),
        ("- just a list\n", 1, 1, ["mapping of sections"]),
        ("seo:\n  title_max_chars: [60\n", None, None, ["not valid YAML"]),
    ],
)
def test_bad_config_names_the_problem_and_the_line(
    tmp_path: Path, text: str, line: int | None, column: int | None, words: list[str]
) -> None:
    folder = write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_config(folder)
    err = caught.value
    assert err.path == folder / CONFIG_FILE
    if line is not None:
        assert (err.line, err.column) == (line, column)
    else:
        assert err.line is not None
    for word in words:
        assert word in err.message


def test_unreadable_config_is_a_content_error(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_bytes(b"seo:\n  title_max_chars: \xff\n")
    with pytest.raises(ContentError, match="cannot read"):
        load_config(tmp_path)


def test_invalid_values_are_refused_in_code_too() -> None:
    with pytest.raises(ValueError, match="unknown SEO rule"):
        SeoConfig(disabled=frozenset({"no-such-rule"}))
    with pytest.raises(ValueError, match="unknown severity"):
        SeoConfig(severity_overrides=(("title-long", "fatal"),))


def test_fingerprint_is_stable_and_follows_every_setting() -> None:
    base = SeoConfig()
    assert base.fingerprint() == SeoConfig().fingerprint()
    one_order = SeoConfig(severity_overrides=(("title-long", "error"), ("title-short", "warning")))
    other_order = SeoConfig(
        severity_overrides=(("title-short", "warning"), ("title-long", "error"))
    )
    assert one_order.fingerprint() == other_order.fingerprint()
    variants = [
        SeoConfig(title_max_chars=61),
        SeoConfig(description_font_px=15),
        SeoConfig(disabled=frozenset({"title-short"})),
        one_order,
    ]
    prints = {base.fingerprint(), *(v.fingerprint() for v in variants)}
    assert len(prints) == len(variants) + 1


def test_config_survives_pickling_for_worker_processes() -> None:
    import pickle

    config = SeoConfig(title_max_chars=70, severity_overrides=(("title-long", "error"),))
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config
    assert copy.severity("title-long") == "error"
    assert copy.fingerprint() == config.fingerprint()
