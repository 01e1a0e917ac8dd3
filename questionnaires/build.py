"""Turn schema-valid file data into the frozen objects of ``questionnaires.model``.

The builder trusts the structure (the schema was checked first) but not the references between elements:
an unknown scale or methodology is recorded as a finding (path, message) and building goes on, so that every
problem of a file is reported in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from questionnaires.model import (
    Combine,
    Criterion,
    Field,
    Item,
    ItemType,
    MatrixRow,
    Methodology,
    MissingPolicy,
    Option,
    Questionnaire,
    Required,
    RespondentGroup,
    Scale,
    Section,
    Sipas,
    SipasElement,
    Subcriterion,
    SubcriterionSource,
    Text,
)
from questionnaires.problems import Path, did_you_mean

Finding = tuple[Path, str]
_REQUIRED = {True: Required.YES, False: Required.NO, "soft": Required.SOFT, None: Required.NO}


def freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become MappingProxyType, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The plain ``dict``/``list`` copy of a frozen value, ready for JSON."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def build_scale(scale_id: str, data: Mapping[str, Any]) -> Scale:
    options = tuple(
        Option(str(o["code"]), Text.of(o["label"]), _number(o.get("weight")), bool(o.get("missing", False)),
               MappingProxyType(dict(o.get("attributes") or {})))
        for o in data.get("options", [])
    )
    return Scale(scale_id, options)


def build_methodology(data: Mapping[str, Any], checksum: str = "", path: str | None = None) -> Methodology:
    """A Methodology from schema-valid data (no cross-checks here: see ``checks``)."""
    groups = tuple(
        RespondentGroup(g["id"], Text.of(g["name"]), g.get("unit_level"), g.get("quota_per_unit"))
        for g in data.get("respondent_groups", [])
    )
    scales = {name: build_scale(name, s) for name, s in (data.get("scales") or {}).items()}
    return Methodology(
        id=data["id"],
        version=data["version"],
        title=Text.of(data["title"]),
        source=data["source"],
        total_max_points=_number(data.get("total_max_points")),
        combine=Combine(data.get("combine", Combine.GROUP_MEAN.value)),
        missing_policy=MissingPolicy(data.get("missing_policy", MissingPolicy.NULL.value)),
        respondent_groups=groups,
        scales=MappingProxyType(scales),
        fields=tuple(_field(f) for f in data.get("fields", [])),
        sipas=_sipas(data.get("sipas")),
        checksum=checksum,
        path=path,
        raw=freeze(data),
    )


def _field(data: Mapping[str, Any]) -> Field:
    criteria = tuple(
        Criterion(c["id"], Text.of(c["name"]), tuple(_subcriterion(s) for s in c["subcriteria"]),
                  _number(c.get("max_points")))
        for c in data["criteria"]
    )
    return Field(data["id"], Text.of(data["name"]), criteria, _number(data.get("max_points")),
                 bool(data.get("provisional", False)))


def _subcriterion(data: Mapping[str, Any]) -> Subcriterion:
    combine = data.get("combine")
    return Subcriterion(
        id=data["id"],
        name=Text.of(data["name"]),
        max_points=_number(data.get("max_points")),
        source=SubcriterionSource(data["source"]),
        combine=Combine(combine) if combine else None,
        group_weights=MappingProxyType({k: float(v) for k, v in (data.get("group_weights") or {}).items()}),
        provisional=bool(data.get("provisional", False)),
    )


def _sipas(data: Mapping[str, Any] | None) -> Sipas | None:
    if not data:
        return None
    elements = tuple(SipasElement(e["id"], Text.of(e["name"]), e.get("component")) for e in data["elements"])
    return Sipas(data["scale"], tuple(str(c) for c in data.get("satisfied_codes", [])), elements)


def build_questionnaire(
    data: Mapping[str, Any],
    find_methodology: Callable[[str], Methodology | None],
    findings: list[Finding],
) -> Questionnaire:
    """A Questionnaire from schema-valid data; unresolved names are appended to ``findings``."""
    methodology = None
    if data.get("methodology"):
        methodology = find_methodology(data["methodology"])
        if methodology is None:
            findings.append((("methodology",), f"unknown methodology '{data['methodology']}'"))
    local = {name: build_scale(name, s) for name, s in (data.get("scales") or {}).items()}
    for name in local:
        if methodology and name in methodology.scales:
            findings.append((("scales", name), f"local scale '{name}' clashes with the methodology's scale"))
    available = {**(methodology.scales if methodology else {}), **local}
    sections = tuple(
        _section(s, ("sections", i), available, findings) for i, s in enumerate(data.get("sections", []))
    )
    return Questionnaire(
        id=data["id"],
        version=data["version"],
        title=Text.of(data["title"]),
        sections=sections,
        respondent_groups=tuple(data.get("respondent_groups") or ()),
        intro=Text.of(data.get("intro")),
        methodology=methodology,
        scales=MappingProxyType(local),
        raw=freeze(data),
        default_language=data.get("default_language") or "vi",
    )


def _section(data: Mapping[str, Any], path: Path, scales: Mapping[str, Scale], findings: list[Finding]) -> Section:
    items = tuple(
        built for j, it in enumerate(data.get("items", []))
        for built in _with_other(_item(it, (*path, "items", j), scales, findings))
    )
    return Section(data["id"], Text.of(data["title"]), items, data.get("relevant"), Text.of(data.get("description")))


OTHER_CODE = "other"
OTHER_LABEL = {"vi": "Khác", "en": "Other"}
SPECIFY_TEXT = {"vi": "Xin ghi rõ", "en": "Please specify"}
ACKNOWLEDGED = Scale("", (Option("OK", Text.of({"vi": "Tôi đồng ý", "en": "I agree"})),))


def _with_other(item: Item) -> tuple[Item, ...]:
    """``or_other``: the item gets an "other" option and is followed by a text item ``{id}_other`` shown when
    "other" is chosen, as pyxform does; both are ordinary items from here on (pages, exports, scripts)."""
    if not item.or_other or item.scale is None:
        return (item,)
    options = item.scale.options
    if item.scale.option(OTHER_CODE) is None:
        options = (*options, Option(OTHER_CODE, Text.of(OTHER_LABEL)))
    chosen = replace(item, scale=Scale("", options))
    specify = Item(id=f"{item.id}_other", type=ItemType.TEXT, text=Text.of(SPECIFY_TEXT),
                   required=Required.YES if item.required is Required.YES else Required.NO,
                   relevant=f"selected(${{{item.id}}}, '{OTHER_CODE}')", other_of=item.id)
    return chosen, specify


def _item(data: Mapping[str, Any], path: Path, scales: Mapping[str, Scale], findings: list[Finding]) -> Item:
    scale = None
    if data.get("scale") is not None:
        name = data["scale"]
        scale = scales.get(name)
        if scale is None:
            findings.append(((*path, "scale"), f"unknown scale '{name}'" + did_you_mean(name, scales)))
    elif data.get("options") is not None:
        scale = build_scale("", {"options": data["options"]})
    rows = tuple(MatrixRow(r["id"], Text.of(r["text"]), r.get("criterion")) for r in data.get("rows") or ())
    item_type = ItemType(data["type"])
    if item_type is ItemType.ACKNOWLEDGE and scale is None:
        scale = ACKNOWLEDGED
    return Item(
        id=data["id"],
        type=item_type,
        text=Text.of(data["text"]),
        hint=Text.of(data.get("hint")),
        scale=scale,
        required=_REQUIRED[data.get("required")],
        relevant=data.get("relevant"),
        constraint=data.get("constraint"),
        constraint_message=Text.of(data.get("constraint_message")),
        criterion=data.get("criterion"),
        scored=data.get("scored"),
        rows=rows,
        min=_bound(data.get("min"), item_type),
        max=_bound(data.get("max"), item_type),
        max_length=data.get("max_length"),
        calculation=data.get("calculation"),
        value_type=data.get("value_type") or "text",
        default=freeze(data.get("default")),
        read_only=bool(data.get("read_only", False)),
        or_other=bool(data.get("or_other", False)),
        choice_filter=data.get("choice_filter"),
    )


def _bound(value: Any, item_type: ItemType) -> float | str | None:
    return str(value) if value is not None and item_type is ItemType.DATE else value


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
