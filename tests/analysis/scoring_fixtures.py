"""Small methodologies and codebooks built in code, so each scoring test can be computed by hand."""

from __future__ import annotations

from types import MappingProxyType

from questionnaires.codebook import Codebook, ValueLabel, Variable
from questionnaires.model import (
    Combine,
    Criterion,
    Field,
    Methodology,
    MissingPolicy,
    Option,
    RespondentGroup,
    Scale,
    Sipas,
    SipasElement,
    Subcriterion,
    SubcriterionSource,
    Text,
)

#: A/B/C/D weighted 1, 0.6, 0.2, 0; E is "don't know".
PAR_VALUES = (ValueLabel("A", Text.of("A"), 1.0), ValueLabel("B", Text.of("B"), 0.6),
              ValueLabel("C", Text.of("C"), 0.2), ValueLabel("D", Text.of("D"), 0.0),
              ValueLabel("E", Text.of("E"), None, missing=True))
#: The SIPAS 1-5 satisfaction scale with 9 = no experience.
SAT_VALUES = tuple(ValueLabel(c, Text.of(c), None) for c in "12345") + (ValueLabel("9", Text.of("9"), None, True),)


def subcriterion(sub_id: str, max_points: float | None, combine: Combine | None = None,
                 group_weights: dict | None = None, source: SubcriterionSource = SubcriterionSource.SURVEY):
    return Subcriterion(sub_id, Text.of(sub_id), max_points, source, combine,
                        MappingProxyType(group_weights or {}), provisional=True)


def par_methodology(fields: dict[str, list[Subcriterion]], combine: Combine = Combine.GROUP_MEAN,
                    missing_policy: MissingPolicy = MissingPolicy.NULL, total: float = 10) -> Methodology:
    """One criterion per field (``F1.C``), holding the given sub-criteria; groups ``a`` and ``b``."""
    built = tuple(Field(f, Text.of(f), (Criterion(f"{f}.C", Text.of(f), tuple(subs)),)) for f, subs in fields.items())
    groups = (RespondentGroup("a", Text.of("a")), RespondentGroup("b", Text.of("b")))
    return Methodology("test_par", "1", Text.of("test"), "hand-made", total, combine, missing_policy, groups,
                       MappingProxyType({}), built)


def par_codebook(criteria: dict[str, str]) -> Codebook:
    """A codebook of scored A-E variables: {variable name: sub-criterion}."""
    variables = tuple(Variable(name, name, "S", "categorical", Text.of(name), "q", criterion, PAR_VALUES, ("E",),
                               scored=True) for name, criterion in criteria.items())
    return Codebook("test", "1", "", variables)


def sipas_methodology(elements: dict[str, str]) -> Methodology:
    """A SIPAS block over the 1-5 scale, satisfied = 4 and 5: {element: component}."""
    options = tuple(Option(v.code, v.label, None, v.missing) for v in SAT_VALUES)
    sipas = Sipas("sat5", ("4", "5"), tuple(SipasElement(e, Text.of(e), c) for e, c in elements.items()))
    return Methodology("test_sipas", "1", Text.of("test"), "hand-made", None, Combine.POOLED, MissingPolicy.NULL,
                       (RespondentGroup("citizen", Text.of("citizen")),),
                       MappingProxyType({"sat5": Scale("sat5", options)}), (), sipas)


def sipas_codebook(criteria: dict[str, str]) -> Codebook:
    """A codebook of 1-5 satisfaction variables: {variable name: element}."""
    variables = tuple(Variable(name, name, "S", "categorical", Text.of(name), "sat5", element, SAT_VALUES, ("9",))
                      for name, element in criteria.items())
    return Codebook("test", "1", "", variables)
