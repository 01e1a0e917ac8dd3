"""Check a parsed file against the JSON Schemas in ``schema/`` (the contract) and say what is wrong plainly.

jsonschema's own messages speak of "instances" and regular expressions; an operator needs "unknown key
'relevent'" or "missing Vietnamese text (vi)" at the right line.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from questionnaires.problems import Path as ElementPath
from questionnaires.problems import Problem, format_path
from questionnaires.yaml_lines import LineMap

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
KINDS = ("questionnaire", "methodology")
_PATTERN_MEANING = {
    "^[a-z][a-z0-9_]*$": "lower-case letters, digits and '_', starting with a letter",
    "^[A-Za-z][A-Za-z0-9_]*$": "letters, digits and '_', starting with a letter",
    "^[A-Za-z][A-Za-z0-9_.\\-]*$": "letters, digits, '_', '.' and '-', starting with a letter",
}
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping"}


@cache
def validator(kind: str) -> Draft202012Validator:
    """The compiled validator for ``questionnaire`` or ``methodology`` files."""
    resources = []
    for path in SCHEMA_DIR.glob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


def schema_problems(data: Any, kind: str, lines: LineMap, file: str | None) -> list[Problem]:
    """Every schema violation of ``data`` as a Problem with its element path and line, in file order."""
    problems = []
    for error in validator(kind).iter_errors(data):
        path, message = _explain(error)
        problems.append(Problem(file, lines.line_for(path), format_path(path), message))
    for path, message in _missing_default_texts(data, default_language(data)):
        problems.append(Problem(file, lines.line_for(path), format_path(path), message))
    return sorted(problems, key=lambda p: (p.line or 0, p.path))


def default_language(data: Any) -> str:
    """The language every text of the file must have: a questionnaire's ``default_language``, else Vietnamese.

    A form written in another language (an imported XLSForm in English) loads, can be previewed and translated;
    publishing it to Vietnamese respondents still needs every text in Vietnamese (``missing_vietnamese``).
    """
    language = data.get("default_language") if isinstance(data, dict) else None
    return language if isinstance(language, str) and re.fullmatch(r"[a-z]{2,3}", language) else "vi"


TEXT_KEYS = frozenset({"title", "intro", "description", "text", "hint", "constraint_message", "label", "name"})


def _missing_default_texts(data: Any, language: str, path: ElementPath = ()):
    """``(path, message)`` for each text (a mapping under a text key) without the default language."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in TEXT_KEYS and isinstance(value, dict) and value and language not in value:
                yield (*path, key, language), _missing_message(language)
            else:
                yield from _missing_default_texts(value, language, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _missing_default_texts(value, language, (*path, index))


def _missing_message(language: str) -> str:
    return "missing Vietnamese text (vi)" if language == "vi" else f"missing text in the default language ({language})"


def missing_vietnamese(data: Any) -> list[str]:
    """Element paths of texts without Vietnamese: what stops a questionnaire in another language from publishing."""
    return [format_path(path) for path, _ in _missing_default_texts(data, "vi")]


def _explain(error: ValidationError) -> tuple[ElementPath, str]:
    path: ElementPath = tuple(error.absolute_path)
    value, schema, kind = error.instance, error.schema, error.validator
    if kind == "required":
        missing = next((k for k in error.validator_value if k not in value), "?")
        if missing == "vi":
            return (*path, "vi"), "missing Vietnamese text (vi)"
        return (*path, missing), f"missing required key '{missing}'"
    if kind == "additionalProperties":
        extra = _unexpected_keys(value, schema)
        if len(extra) == 1:
            return (*path, extra[0]), f"unknown key '{extra[0]}'"
        return path, f"unknown keys: {', '.join(map(repr, extra))}"
    if kind == "type":
        return path, _type_message(value, error.validator_value)
    if kind == "enum":
        choices = ", ".join(json.dumps(c) for c in error.validator_value)
        return path, f"{json.dumps(value, ensure_ascii=False)} is not one of {choices}"
    if kind == "const":
        return path, f"expected {json.dumps(error.validator_value)}, got {json.dumps(value, ensure_ascii=False)}"
    if kind == "pattern":
        meaning = _PATTERN_MEANING.get(error.validator_value, f"the pattern {error.validator_value}")
        return path, f"{value!r} is not a valid id: use {meaning}"
    if kind == "minLength":
        what = "Vietnamese text" if path and path[-1] == "vi" else "value"
        return path, f"{what} must not be empty"
    return path, _bounds_message(kind, value, error)


def _unexpected_keys(value: dict, schema: dict) -> list[str]:
    known = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in value if k not in known and not any(p.search(str(k)) for p in patterns)] or ["?"]


def _type_message(value: Any, expected: str | list[str]) -> str:
    wanted = " or ".join([expected] if isinstance(expected, str) else expected)
    got = "nothing" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)
    hint = " (put it in quotes)" if "string" in wanted and isinstance(value, int | float) else ""
    return f"expected {wanted}, got {got} {json.dumps(value, ensure_ascii=False)}{hint}"


def _bounds_message(kind: str, value: Any, error: ValidationError) -> str:
    limit = error.validator_value
    messages = {
        "minimum": f"{value} is below the minimum {limit}",
        "maximum": f"{value} is above the maximum {limit}",
        "minItems": "must not be empty" if limit == 1 else f"needs at least {limit} elements",
        "maxLength": f"is longer than {limit} characters",
        "propertyNames": f"invalid name: {error.message}",
    }
    return messages.get(kind, error.message)
