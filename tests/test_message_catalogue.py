"""The message catalogues: every sentence layerlab shows has its Korean, and the language in
force is the one the learner chose (code, shell, then the notebook's folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerlab.course.catalogue import entries, placeholders, problems
from layerlab.i18n import LANGUAGES, Texts, _, language, set_language, translate
from layerlab.i18n.extract import MarkingError, marked_in
from layerlab.i18n.language import SETTING_FILE, UnknownLanguage


@pytest.fixture
def fresh_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """No language chosen, no $LAYERLAB_LANG, working in an empty folder."""
    monkeypatch.delenv("LAYERLAB_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    set_language(None)
    yield tmp_path
    set_language(None)


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_sentence_has_its_translation(code: str) -> None:
    found = problems(code)
    assert not found, f"{len(found)} problem(s) in the {code} catalogue (scripts/catalogue check {code}):\n" + "\n".join(
        map(str, found[:40])
    )


def test_the_catalogue_holds_the_course_and_the_package() -> None:
    parts = entries()
    assert {f"exercises-{n:02d}" for n in range(9)} <= set(parts)
    assert {"widgets", "pictures", "course"} <= set(parts)


def test_a_translation_fills_its_placeholders(fresh_language: Path) -> None:
    set_language("ko")
    # a sentence of the course's own exercise widget, in the Korean catalogue
    said = _("Predict, then check (exercise {id})", id="04-chmod")
    assert "04-chmod" in said and said != "Predict, then check (exercise 04-chmod)"
    assert placeholders("{n:,} bytes in {where}") == {"n", "where"}
    assert placeholders("a lone { brace") == set()


def test_english_is_the_source_and_unknown_sentences_pass_through(fresh_language: Path) -> None:
    assert language() == "en"
    assert translate("Predict, then check") == "Predict, then check"
    set_language("ko")
    assert translate("a sentence no catalogue has") == "a sentence no catalogue has"


def test_the_language_is_chosen_by_code_then_shell_then_folder(
    fresh_language: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fresh_language / SETTING_FILE).write_text('language = "ko"\n', encoding="utf-8")
    sub = fresh_language / "elsewhere"
    sub.mkdir()
    assert language() == "ko"  # the folder's setting
    monkeypatch.setenv("LAYERLAB_LANG", "en_US.UTF-8")
    assert language() == "en"  # the shell's, over the folder's
    set_language("ko")
    assert language() == "ko"  # the code's, over the shell's
    set_language(None)
    monkeypatch.delenv("LAYERLAB_LANG")
    monkeypatch.chdir(sub)
    assert language() == "en"  # a folder without a setting


def test_an_unknown_language_is_a_clear_error(fresh_language: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnknownLanguage, match=r"language 'xx'; layerlab speaks en, ko"):
        set_language("xx")
    monkeypatch.setenv("LAYERLAB_LANG", "fr")
    with pytest.raises(UnknownLanguage, match=r"\$LAYERLAB_LANG asks for language 'fr'"):
        language()


def test_a_table_of_messages_is_read_in_the_language_in_force(fresh_language: Path) -> None:
    table = Texts({"title": "Predict, then check (exercise {id})"})
    english = table["title"]
    set_language("ko")
    assert table["title"] != english and table.source("title") == english
    assert dict(table) == {"title": table["title"]}


def test_marked_f_strings_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text('from layerlab.i18n import _\nx = 3\nprint(_("fine {x}", x=x), _(f"bad {x}"))\n', encoding="utf-8")
    with pytest.raises(MarkingError, match=r"mod.py:3: a marked sentence must be a plain string literal"):
        list(marked_in(source))


def test_marking_finds_calls_tables_and_joined_literals(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        'T = Texts({"a": "one", "b": "two " "joined"})\nN_("later")\n_("now {n}", n=1)\n', encoding="utf-8"
    )
    assert [m.text for m in marked_in(source)] == ["one", "two joined", "later", "now {n}"]
