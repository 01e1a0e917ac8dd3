"""The Vietnamese catalogue is complete: a new English sentence anywhere in the app cannot reach a Vietnamese page
untranslated, and no translation drops or renames a value the code fills in (which would raise or show ``%(x)s``).

The template is extracted afresh, with the same command and keywords maintainers use
(``pybabel extract -F babel.cfg -k _l``), so a string added without ``pybabel update`` fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "survey_app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
# Named values a translation must keep: %(name)s (gettext, Jinja) and {name} (str.format).
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w+)\}")
UPDATE = "run `pybabel extract -F babel.cfg -k _l -o /tmp/messages.pot .` and `pybabel update -i /tmp/messages.pot " \
         "-d survey_app/translations --no-fuzzy-matching --no-wrap --ignore-obsolete`, then translate"


def read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def vietnamese() -> Catalog:
    return read(CATALOGUE)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """A fresh template of every translatable string in the sources that ``babel.cfg`` lists."""
    template = tmp_path_factory.mktemp("extract") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "-o", str(template), str(ROOT)])
    return read(template)


def ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def placeholders(text: str) -> list[str]:
    return sorted(percent or brace for percent, brace in PLACEHOLDER.findall(text))


def test_the_extraction_finds_the_strings_of_python_code_and_of_templates(extracted):
    found = {ids(m)[0] for m in extracted if m.id}
    assert "Please answer this question." in found  # survey_app/respondent/messages.py
    assert "Save and continue later" in found  # survey_app/templates/respondent/page.html
    assert "Shown when" in found  # survey_app/templates/preview/


def test_every_string_of_the_app_is_in_the_vietnamese_catalogue(extracted, vietnamese):
    missing = sorted(ids(m)[0] for m in extracted if m.id and vietnamese.get(m.id, m.context) is None)
    assert missing == [], f"{UPDATE}: " + "; ".join(missing)


def test_every_vietnamese_entry_is_translated_and_none_is_fuzzy(vietnamese):
    untranslated = sorted(ids(m)[0] for m in vietnamese if m.id and not all(s.strip() for s in strings(m)))
    fuzzy = sorted(ids(m)[0] for m in vietnamese if m.id and m.fuzzy)
    assert untranslated == [], "translate these in messages.po: " + "; ".join(untranslated)
    assert fuzzy == [], "check these translations and remove their `#, fuzzy` line: " + "; ".join(fuzzy)


def test_the_vietnamese_catalogue_keeps_no_obsolete_entries(vietnamese):
    assert list(vietnamese.obsolete) == [], "delete the `#~` entries of messages.po (or update with --ignore-obsolete)"


def test_each_translation_keeps_exactly_the_placeholders_of_its_english_text(vietnamese):
    wrong = []
    for message in vietnamese:
        if not message.id:
            continue
        # A plural translation's forms all stand for counted values, like the English plural.
        expected = placeholders(ids(message)[-1])
        wrong += [f"{ids(message)[0]!r} -> {form!r}" for form in strings(message) if placeholders(form) != expected]
    assert wrong == [], "a translation must use the same %(name)s / {name} as the English: " + "; ".join(wrong)


def test_the_placeholder_check_sees_both_placeholder_styles():
    assert placeholders("{total} pages, page %(number)s, %(n)d done") == ["n", "number", "total"]
    assert placeholders("100% sure, {} and %s are not named") == []
