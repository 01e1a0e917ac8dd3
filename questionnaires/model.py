"""Frozen objects for questionnaires and methodologies: what the loader returns and everyone else reads.

They are immutable so that a published questionnaire version can be shared by the web app, the analysis and the
codebook without anyone changing it underneath the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

DEFAULT_LANGUAGE = "vi"


@dataclass(frozen=True)
class Text:
    """A text in several languages: missing languages fall back to Vietnamese, or to the questionnaire's own
    default language for a form written in another language (the first translation given)."""

    translations: Mapping[str, str]

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        found = self.translations.get(language) or self.translations.get(DEFAULT_LANGUAGE)
        return found or next((t for t in self.translations.values() if t), "")

    def __str__(self) -> str:
        return self.get(DEFAULT_LANGUAGE)

    @classmethod
    def of(cls, value: Mapping[str, str] | str | None) -> Text | None:
        if value is None:
            return None
        if isinstance(value, str):
            return cls(MappingProxyType({DEFAULT_LANGUAGE: value}))
        return cls(MappingProxyType(dict(value)))


class ItemType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    RATING = "rating"
    MATRIX = "matrix"
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    NOTE = "note"
    CALCULATE = "calculate"  # a value computed from answers, stored, never typed by the respondent
    ACKNOWLEDGE = "acknowledge"  # one box to tick (consent), stored as "OK"

    @property
    def has_options(self) -> bool:
        return self in {ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.RATING, ItemType.MATRIX,
                        ItemType.ACKNOWLEDGE}


class Required(StrEnum):
    NO = "no"
    YES = "yes"
    SOFT = "soft"  # warn once, then let the respondent go on


@dataclass(frozen=True)
class Option:
    """One answer option. ``weight`` is the share of the item's max points; ``missing`` marks "don't know"."""

    code: str
    label: Text
    weight: float | None = None
    missing: bool = False
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # read by choice_filter


@dataclass(frozen=True)
class Scale:
    id: str
    options: tuple[Option, ...]

    @property
    def is_weighted(self) -> bool:
        return any(o.weight is not None for o in self.options)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class MatrixRow:
    id: str
    text: Text
    criterion: str | None = None


@dataclass(frozen=True)
class Item:
    """A question (or a note). For a matrix, ``rows`` are the answerable variables."""

    id: str
    type: ItemType
    text: Text
    hint: Text | None = None
    scale: Scale | None = None
    required: Required = Required.NO
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Text | None = None
    criterion: str | None = None
    scored: bool | None = None
    rows: tuple[MatrixRow, ...] = ()
    min: float | str | None = None
    max: float | str | None = None
    max_length: int | None = None
    calculation: str | None = None  # calculate items: the expression that gives the value
    value_type: str = "text"  # calculate items: how the codebook and exports type the value
    default: Any = None  # shown until the respondent answers (the stored answer's form: code, number, text)
    read_only: bool = False  # shown, never changed by the respondent: keeps its default or calculation
    choice_filter: str | None = None  # options shown: those for which it is true (``${choice.province}``)
    or_other: bool = False  # choice items: an "other" option and a "please specify" text item after it
    other_of: str | None = None  # the "please specify" text of item ``other_of`` (``or_other``)

    @property
    def is_scored(self) -> bool:
        """Scored unless declared otherwise, whenever its scale carries weights."""
        if self.scored is not None:
            return self.scored
        return self.scale is not None and self.scale.is_weighted

    @property
    def is_typed_by_respondent(self) -> bool:
        """Whether the respondent gives this answer (not a note, a calculation or a read-only value)."""
        return self.type not in (ItemType.NOTE, ItemType.CALCULATE) and not self.read_only

    @property
    def variables(self) -> tuple[str, ...]:
        """The answer ids this item produces: its rows for a matrix, itself otherwise, none for a note."""
        if self.type is ItemType.NOTE:
            return ()
        if self.type is ItemType.MATRIX:
            return tuple(r.id for r in self.rows)
        return (self.id,)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    items: tuple[Item, ...]
    relevant: str | None = None
    description: Text | None = None

    def items_in_file(self) -> Iterator[tuple[int, Item]]:
        """Each item with its index in the file's ``items`` list: a generated "please specify" item (``or_other``)
        shares the index of the choice item it follows."""
        index = -1
        for item in self.items:
            if item.other_of is None:
                index += 1
            yield max(index, 0), item

    @property
    def variables(self) -> tuple[str, ...]:
        """Every answer id on this page, matrix rows included, in order."""
        return tuple(var for item in self.items for var in item.variables)


@dataclass(frozen=True)
class RespondentGroup:
    id: str
    name: Text
    unit_level: str | None = None
    quota_per_unit: int | None = None


class SubcriterionSource(StrEnum):
    SURVEY = "survey"
    SELF_ASSESSMENT = "self_assessment"
    SIPAS = "sipas"
    EXTERNAL_DATA = "external_data"


class Combine(StrEnum):
    POOLED = "pooled"
    GROUP_MEAN = "group_mean"
    WEIGHTED = "weighted"


class MissingPolicy(StrEnum):
    NULL = "null"
    ZERO = "zero"
    RESCALE = "rescale"


@dataclass(frozen=True)
class Subcriterion:
    id: str
    name: Text
    max_points: float | None
    source: SubcriterionSource
    combine: Combine | None = None
    group_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    provisional: bool = False


@dataclass(frozen=True)
class Criterion:
    id: str
    name: Text
    subcriteria: tuple[Subcriterion, ...]
    max_points: float | None = None


@dataclass(frozen=True)
class Field:
    id: str
    name: Text
    criteria: tuple[Criterion, ...]
    max_points: float | None = None
    provisional: bool = False


@dataclass(frozen=True)
class SipasElement:
    id: str
    name: Text
    component: str | None = None


@dataclass(frozen=True)
class Sipas:
    scale: str
    satisfied_codes: tuple[str, ...]
    elements: tuple[SipasElement, ...]


@dataclass(frozen=True)
class Methodology:
    id: str
    version: str
    title: Text
    source: str
    total_max_points: float | None
    combine: Combine
    missing_policy: MissingPolicy
    respondent_groups: tuple[RespondentGroup, ...]
    scales: Mapping[str, Scale]
    fields: tuple[Field, ...]
    sipas: Sipas | None = None
    checksum: str = ""
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def subcriteria(self) -> Iterator[Subcriterion]:
        for f in self.fields:
            for c in f.criteria:
                yield from c.subcriteria

    def subcriterion(self, sub_id: str) -> Subcriterion | None:
        return next((s for s in self.subcriteria() if s.id == sub_id), None)

    def group(self, group_id: str) -> RespondentGroup | None:
        return next((g for g in self.respondent_groups if g.id == group_id), None)


@dataclass(frozen=True)
class Questionnaire:
    """One immutable questionnaire version; ``checksum`` identifies it across databases and exports."""

    id: str
    version: str
    title: Text
    sections: tuple[Section, ...]
    respondent_groups: tuple[str, ...] = ()
    intro: Text | None = None
    methodology: Methodology | None = None
    scales: Mapping[str, Scale] = field(default_factory=lambda: MappingProxyType({}))
    checksum: str = ""
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)
    default_language: str = DEFAULT_LANGUAGE

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items() if i.id == item_id), None)

    def variables(self) -> Iterator[tuple[str, Item]]:
        """Every answerable variable id with the item that owns it (matrix rows included)."""
        for item in self.items():
            for var in item.variables:
                yield var, item

    def section_of(self, item_id: str) -> Section | None:
        for section in self.sections:
            for item in section.items:
                if item.id == item_id or item_id in item.variables:
                    return section
        return None
