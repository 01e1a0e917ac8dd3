"""Semantic checks of a methodology file: unique ids, option weights, SIPAS scale, provisional numbers."""

from __future__ import annotations

from collections.abc import Iterator

from questionnaires.build import Finding
from questionnaires.checks import scale_findings
from questionnaires.model import Methodology
from questionnaires.problems import Path, format_path


def methodology_findings(methodology: Methodology) -> list[Finding]:
    """Every problem of the methodology, in file order."""
    findings = list(_duplicate_groups(methodology))
    for name, scale in methodology.scales.items():
        findings += scale_findings(scale, ("scales", name))
    findings += _duplicate_structure_ids(methodology)
    findings += _unknown_points(methodology)
    findings += _group_weights(methodology)
    findings += _sipas_findings(methodology)
    return findings


def _duplicate_groups(methodology: Methodology) -> Iterator[Finding]:
    seen: set[str] = set()
    for k, group in enumerate(methodology.respondent_groups):
        if group.id in seen:
            yield ("respondent_groups", k, "id"), f"duplicate respondent group '{group.id}'"
        seen.add(group.id)


def _structure(methodology: Methodology) -> Iterator[tuple[Path, object]]:
    """Fields, criteria, sub-criteria and SIPAS elements with their paths: they share one id namespace."""
    for i, field in enumerate(methodology.fields):
        yield ("fields", i), field
        for j, criterion in enumerate(field.criteria):
            yield ("fields", i, "criteria", j), criterion
            for k, sub in enumerate(criterion.subcriteria):
                yield ("fields", i, "criteria", j, "subcriteria", k), sub
    if methodology.sipas:
        for k, element in enumerate(methodology.sipas.elements):
            yield ("sipas", "elements", k), element


def _duplicate_structure_ids(methodology: Methodology) -> Iterator[Finding]:
    seen: dict[str, Path] = {}
    for path, element in _structure(methodology):
        element_id = element.id
        if element_id in seen:
            yield (*path, "id"), f"duplicate id '{element_id}' (first used at {format_path(seen[element_id])})"
        else:
            seen[element_id] = path


def _unknown_points(methodology: Methodology) -> Iterator[Finding]:
    for i, field in enumerate(methodology.fields):
        declared_null = "max_points" in methodology.raw["fields"][i]
        if field.max_points is None and declared_null and not field.provisional:
            yield ("fields", i, "max_points"), "max_points is unknown: give a number or mark 'provisional: true'"
        for j, criterion in enumerate(field.criteria):
            for k, sub in enumerate(criterion.subcriteria):
                if sub.max_points is None and not sub.provisional:
                    yield (("fields", i, "criteria", j, "subcriteria", k, "max_points"),
                           "max_points is unknown: give a number or mark 'provisional: true'")


def _group_weights(methodology: Methodology) -> Iterator[Finding]:
    groups = {g.id for g in methodology.respondent_groups}
    for path, element in _structure(methodology):
        for group in getattr(element, "group_weights", {}):
            if group not in groups:
                yield (*path, "group_weights", group), f"unknown respondent group '{group}'"


def _sipas_findings(methodology: Methodology) -> Iterator[Finding]:
    sipas = methodology.sipas
    if sipas is None:
        return
    scale = methodology.scales.get(sipas.scale)
    if scale is None:
        yield ("sipas", "scale"), f"unknown scale '{sipas.scale}'"
        return
    for k, code in enumerate(sipas.satisfied_codes):
        if code not in scale.codes:
            yield ("sipas", "satisfied_codes", k), f"'{code}' is not an option of scale '{sipas.scale}'"
