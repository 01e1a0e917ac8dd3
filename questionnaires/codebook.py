"""The codebook of a questionnaire version: variable names, labels, value labels and missing-value codes.

Exports (CSV, XLSX, SPSS) and the analysis read responses through it. A multiple-choice item becomes one 0/1
flag variable per option, named ``{item}__{code}``; a matrix becomes one variable per row. Two system-missing
codes are shared by every variable (:mod:`questionnaires.record`, the record contract, defines them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from questionnaires.model import Item, ItemType, Option, Questionnaire, Section, Text
from questionnaires.record import NUMERIC_TYPES, SYSTEM_MISSING_LABELS

FLAG_VALUES = (
    ("0", Text.of({"vi": "Không chọn", "en": "Not selected"})),
    ("1", Text.of({"vi": "Có chọn", "en": "Selected"})),
)
_TYPES = {
    ItemType.SINGLE_CHOICE: "categorical", ItemType.RATING: "categorical", ItemType.MATRIX: "categorical",
    ItemType.MULTIPLE_CHOICE: "flag", ItemType.INTEGER: "integer", ItemType.DECIMAL: "decimal",
    ItemType.TEXT: "text", ItemType.LONG_TEXT: "text", ItemType.DATE: "date", ItemType.ACKNOWLEDGE: "categorical",
}


@dataclass(frozen=True)
class ValueLabel:
    """One value of a categorical or flag variable; ``weight`` scores it, ``missing`` marks "don't know"."""

    code: str
    label: Text
    weight: float | None = None
    missing: bool = False


@dataclass(frozen=True)
class Variable:
    """One column of the response data."""

    name: str
    item: str
    section: str
    type: str  # categorical | flag | integer | decimal | text | date
    label: Text
    scale: str | None = None
    criterion: str | None = None
    values: tuple[ValueLabel, ...] = ()
    missing_codes: tuple[str, ...] = ()
    option: str | None = None  # flags: the option code this flag stands for
    scored: bool = False

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class Codebook:
    questionnaire: str
    version: str
    checksum: str
    variables: tuple[Variable, ...]

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def to_json(self) -> dict:
        """The JSON form written beside exports (``*.codebook.json``)."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "checksum": self.checksum,
            "system_missing": {code: _text_json(text) for code, text in SYSTEM_MISSING_LABELS.items()},
            "variables": [_variable_json(v) for v in self.variables],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Codebook:
        """Read back what ``to_json`` wrote."""
        return cls(data["questionnaire"], str(data["version"]), data.get("checksum", ""),
                   tuple(_variable_from_json(v) for v in data["variables"]))


def build_codebook(questionnaire: Questionnaire) -> Codebook:
    """Every answer variable of the questionnaire, in questionnaire order (notes have none)."""
    variables = tuple(v for section in questionnaire.sections for item in section.items
                      for v in _variables(section, item))
    return Codebook(questionnaire.id, questionnaire.version, questionnaire.checksum, variables)


def _variables(section: Section, item: Item) -> Iterator[Variable]:
    if item.type is ItemType.NOTE:
        return
    scale_id = item.scale.id or None if item.scale else None
    options = item.scale.options if item.scale else ()
    if item.type is ItemType.MULTIPLE_CHOICE:
        for option in options:
            label = _joined(item.text, option.label)
            flags = tuple(ValueLabel(code, text) for code, text in FLAG_VALUES)
            yield Variable(f"{item.id}__{option.code}", item.id, section.id, "flag", label, scale_id,
                           item.criterion, flags, option=option.code)
        return
    values = tuple(_value(o) for o in options)
    missing = tuple(o.code for o in options if o.missing)
    if item.type is ItemType.MATRIX:
        for row in item.rows:
            yield Variable(row.id, item.id, section.id, "categorical", _joined(item.text, row.text), scale_id,
                           row.criterion or item.criterion, values, missing, scored=item.is_scored)
        return
    kind = item.value_type if item.type is ItemType.CALCULATE else _TYPES[item.type]  # a calculation's declared type
    label = item.text
    parent = next((i for i in section.items if i.id == item.other_of), None) if item.other_of else None
    if parent is not None:  # "Which office?: Please specify", not one "Please specify" per or_other item
        label = _joined(parent.text, item.text)
    yield Variable(item.id, item.id, section.id, kind, label, scale_id, item.criterion,
                   values, missing, scored=item.is_scored)


def _value(option: Option) -> ValueLabel:
    return ValueLabel(option.code, option.label, option.weight, option.missing)


def _joined(first: Text, second: Text) -> Text:
    """``"question: row"`` in every language either text has."""
    languages = set(first.translations) | set(second.translations)
    return Text(MappingProxyType({lang: f"{first.get(lang)}: {second.get(lang)}" for lang in sorted(languages)}))


def _text_json(text: Text | None) -> dict | None:
    return dict(text.translations) if text is not None else None


def _variable_json(v: Variable) -> dict:
    data = {
        "name": v.name, "item": v.item, "section": v.section, "type": v.type, "label": _text_json(v.label),
        "scale": v.scale, "criterion": v.criterion, "scored": v.scored,
        "values": [{"code": x.code, "label": _text_json(x.label), "weight": x.weight, "missing": x.missing}
                   for x in v.values],
        "missing_codes": list(v.missing_codes),
    }
    if v.option is not None:
        data["option"] = v.option
    return data


def _variable_from_json(data: Mapping[str, Any]) -> Variable:
    values = tuple(ValueLabel(str(x["code"]), Text.of(x["label"]), x.get("weight"), bool(x.get("missing")))
                   for x in data.get("values", []))
    return Variable(
        name=data["name"], item=data["item"], section=data["section"], type=data["type"],
        label=Text.of(data["label"]), scale=data.get("scale"), criterion=data.get("criterion"), values=values,
        missing_codes=tuple(str(c) for c in data.get("missing_codes", [])), option=data.get("option"),
        scored=bool(data.get("scored", False)),
    )
