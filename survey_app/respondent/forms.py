"""The one form generator: a Flask-WTF form class built at run time from a questionnaire Section.

Every question type is registered once in :data:`QUESTION_TYPES` (ItemType -> field factory + widget macro), so a
new questionnaire never needs a hand-written form and a new question type is one entry here plus one macro.
Validation of the values is not done by WTForms: ``questionnaires.answers.check_page`` is the single source of truth
(shared with imports and tests); the form renders the fields, keeps what was posted and carries the CSRF token.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from threading import Lock
from weakref import WeakKeyDictionary

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaires import date_bounds
from questionnaires.choice_filter import allowed_codes, option_scope
from questionnaires.expressions import references
from questionnaires.model import Item, ItemType, Questionnaire, Required, Section
from questionnaires.piping import PIPED, has_piping, piped_names, shown_value
from questionnaires.record import value_text
from survey_app.respondent.option_inputs import option_inputs

# Posted names that are not answers: everything else is handed to check_page, which reports unknown names.
CONTROL_FIELDS = frozenset({"csrf_token", "soft_ack", "action", "unseen"})
TEXT_MAX = {ItemType.TEXT: 500, ItemType.LONG_TEXT: 5000}

FieldFactory = Callable[[Item, str], Iterable[tuple[str, UnboundField]]]


@dataclass(frozen=True)
class QuestionType:
    """How one ItemType becomes form fields (one per answer variable) and which widget renders them: the name of a
    macro in ``templates/respondent/widgets.html``."""

    widget: str
    make_fields: FieldFactory


class PageForm(FlaskForm):
    """Base of every generated page form: the CSRF token and the "soft warning already shown" flag."""

    soft_ack = HiddenField()


def _choices(item: Item, language: str) -> list[SelectChoice]:
    options = item.scale.options if item.scale else ()
    return [SelectChoice(o.code, o.label.get(language)) for o in options]


def _one_choice(item: Item, language: str) -> RadioField:
    return RadioField(item.text.get(language), choices=_choices(item, language), validate_choice=False)


def _choice_fields(item: Item, language: str):
    yield item.id, _one_choice(item, language)


def _multiple_fields(item: Item, language: str):
    yield item.id, SelectMultipleField(
        item.text.get(language), choices=_choices(item, language), validate_choice=False,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


def _matrix_fields(item: Item, language: str):
    for row in item.rows:
        yield row.id, RadioField(row.text.get(language), choices=_choices(item, language), validate_choice=False)


def _bound(value: float | str | None) -> str | None:
    return None if value is None else value_text(value)


def _input_attrs(item: Item) -> dict[str, str]:
    attrs = {"min": _bound(item.min), "max": _bound(item.max)}
    return {k: v for k, v in attrs.items() if v is not None}


def _number_fields(item: Item, language: str):
    # A text input with a numeric keyboard, not type=number: a mistyped value must come back exactly as typed,
    # beside its message, and a decimal comma ("3,5", usual in Vietnamese) must reach the server.
    inputmode = "numeric" if item.type is ItemType.INTEGER else "decimal"
    yield item.id, StringField(item.text.get(language), render_kw={"inputmode": inputmode, "autocomplete": "off"})


def _text_fields(item: Item, language: str):
    limit = item.max_length or TEXT_MAX[item.type]
    cls = TextAreaField if item.type is ItemType.LONG_TEXT else StringField
    yield item.id, cls(item.text.get(language), render_kw={"maxlength": str(limit)})


def _date_fields(item: Item, language: str):
    """A date input; a bound relative to the day of answering is resolved when the page is shown (see
    ``Question.attributes``) and also given as ``data-min``/``data-max`` for survey.js to keep up to date."""
    fixed = {k: v for k, v in _input_attrs(item).items() if not date_bounds.is_relative(v)}
    relative = {f"data-{k}": v for k, v in _input_attrs(item).items() if date_bounds.is_relative(v)}
    yield item.id, StringField(item.text.get(language), render_kw={"type": "date", **fixed, **relative})


def _no_fields(item: Item, language: str):
    return ()


def _calculate_fields(item: Item, language: str):
    """Never typed: a hidden field (the server ignores it and computes the value when the page is sent)."""
    yield item.id, HiddenField()


QUESTION_TYPES: Mapping[ItemType, QuestionType] = {
    ItemType.SINGLE_CHOICE: QuestionType("choice", _choice_fields),
    ItemType.RATING: QuestionType("choice", _choice_fields),
    ItemType.MULTIPLE_CHOICE: QuestionType("choice", _multiple_fields),
    ItemType.MATRIX: QuestionType("matrix", _matrix_fields),
    ItemType.INTEGER: QuestionType("input", _number_fields),
    ItemType.DECIMAL: QuestionType("input", _number_fields),
    ItemType.TEXT: QuestionType("input", _text_fields),
    ItemType.LONG_TEXT: QuestionType("input", _text_fields),
    ItemType.DATE: QuestionType("input", _date_fields),
    ItemType.NOTE: QuestionType("note", _no_fields),
    ItemType.CALCULATE: QuestionType("calculate", _calculate_fields),
    ItemType.ACKNOWLEDGE: QuestionType("choice", _multiple_fields),
}

_CACHE: OrderedDict[tuple[str, ...], type[PageForm]] = OrderedDict()
_CACHE_SIZE = 512
_LOCK = Lock()


def section_form_class(questionnaire: Questionnaire, section: Section, language: str) -> type[PageForm]:
    """The form class of one page, built once per questionnaire version, section and language."""
    key = (questionnaire.key, questionnaire.checksum, section.id, language)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    attrs: dict[str, UnboundField] = {}
    for item in section.items:
        for name, field in QUESTION_TYPES[item.type].make_fields(item, language):
            attrs[name] = field
    form_class = type(f"Page_{questionnaire.id}_{section.id}", (PageForm,), attrs)
    with _LOCK:
        _CACHE[key] = form_class
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return form_class


def formdata_from_answers(section: Section, answers: Mapping[str, object]) -> MultiDict:
    """The stored answers of a section as the strings a browser would post (to fill the fields in); an item not
    answered yet shows its ``default``."""
    data: MultiDict = MultiDict()
    for item in section.items:
        for variable in item.variables:
            value = answers.get(variable)
            if (value is None or value == "") and item.default is not None and variable not in answers:
                value = item.default
            if value is None or value == "":
                continue
            for one in value if isinstance(value, list | tuple) else [value]:
                data.add(variable, value_text(one))
    return data


def posted_answers(formdata: MultiDict) -> dict[str, list[str]]:
    """The posted answer fields by name (control fields left out), as ``check_page`` expects them."""
    return {name: formdata.getlist(name) for name in formdata if name not in CONTROL_FIELDS}


@dataclass(frozen=True)
class Question:
    """One item ready for its widget macro: the item, its bound fields, and display texts."""

    item: Item
    widget: str
    fields: tuple[Field, ...]
    text: str
    hint: str | None
    required: bool
    soft: bool
    form_class: type
    references: tuple[str, ...] = ()  # what its relevance reads, for survey.js
    allowed: frozenset[str] | None = None  # the options its choice filter keeps, given the answers so far
    option_pipes: tuple[tuple[str, str], ...] = ()  # "${id}" in option labels -> the answer shown there

    @property
    def field(self) -> Field | None:
        return self.fields[0] if self.fields else None

    @property
    def attributes(self) -> dict[str, str]:
        """HTML attributes of a single input (type first), from the field factory's ``render_kw``."""
        extra = dict(self.field.render_kw or {}) if self.field is not None else {}
        for key in ("min", "max"):
            if f"data-{key}" in extra:
                extra[key] = date_bounds.resolve(extra[f"data-{key}"])  # the day this page is shown
        if self.item.read_only:
            extra["readonly"] = "readonly"
        if self.item.type is ItemType.LONG_TEXT:
            return extra
        return {"type": extra.pop("type", "text"), **extra}

    def options(self, field: Field, disabled: bool = False) -> Markup:
        """The options of one of this question's fields as labelled inputs (matrix rows as table cells)."""
        if self.item.type is ItemType.MATRIX:
            style = "cell"
        else:
            style = "checkbox" if self.item.type in (ItemType.MULTIPLE_CHOICE, ItemType.ACKNOWLEDGE) else "radio"
        html = option_inputs(self.form_class, field, style, disabled or self.item.read_only, self.allowed)
        for name, shown in self.option_pipes:  # labels were escaped when built; "${id}" survives escaping
            html = Markup(str(html).replace(f"${{{name}}}", str(Markup.escape(shown))))
        return html

    @property
    def choice_columns(self) -> str:
        """The options' own columns as JSON (code -> {name: value}), for survey.js to apply the filter live."""
        options = self.item.scale.options if self.item.scale else ()
        return json.dumps({o.code: option_scope(o) for o in options}, ensure_ascii=False, separators=(",", ":"))


_TEMPLATES: WeakKeyDictionary[type, tuple[Question, ...]] = WeakKeyDictionary()


def _unbound_questions(form_class: type, section: Section, language: str) -> tuple[Question, ...]:
    """The per-item part of the questions (texts, flags, references), worked out once per form class."""
    cached = _TEMPLATES.get(form_class)
    if cached is None:
        cached = tuple(Question(
            item=item, widget=QUESTION_TYPES[item.type].widget, fields=(),
            text=item.text.get(language), hint=item.hint.get(language) if item.hint else None,
            required=item.required is Required.YES, soft=item.required is Required.SOFT, form_class=form_class,
            references=tuple(sorted(references(item.relevant))) if item.relevant else (),
        ) for item in section.items)
        _TEMPLATES[form_class] = cached
    return cached


def questions(form: PageForm, section: Section, language: str, questionnaire: Questionnaire | None = None,
              answers: Mapping[str, object] | None = None) -> list[Question]:
    """Pair each item of the section with its bound fields, in questionnaire order.

    With the questionnaire and the answers so far, ``${item}`` in a text or hint shows that answer (piping).
    """
    found = []
    for q in _unbound_questions(type(form), section, language):
        q = replace(q, fields=tuple(form[name] for name in q.item.variables))
        if q.item.choice_filter:
            q = replace(q, allowed=allowed_codes(q.item, answers or {}))
        if questionnaire is not None and q.item.scale is not None:
            names = {n for o in q.item.scale.options for n in piped_names(o.label)}
            if names:
                q = replace(q, option_pipes=tuple(
                    (n, shown_value(questionnaire, n, (answers or {}).get(n), language)) for n in sorted(names)))
        if questionnaire is not None and (has_piping(q.text) or has_piping(q.hint)):
            q = replace(q, text=piped_markup(q.text, questionnaire, answers or {}, language),
                        hint=piped_markup(q.hint, questionnaire, answers or {}, language) if q.hint else None)
        found.append(q)
    return found


def piped_markup(text: str, questionnaire: Questionnaire, answers: Mapping[str, object], language: str) -> Markup:
    """``text`` (escaped) with each ``${id}`` as ``<span class="piped" data-pipe="id">answer</span>``, which
    survey.js refreshes as the respondent answers the same page."""
    parts = PIPED.split(text)  # text, name, text, name, ..., text
    html = Markup("")
    for k, part in enumerate(parts):
        if k % 2 == 0:
            html += part  # Markup escapes it
        else:
            shown = shown_value(questionnaire, part, answers.get(part), language)
            html += Markup('<span class="piped" data-pipe="{}">{}</span>').format(part, shown)
    return html


def new_page_form(questionnaire: Questionnaire, section: Section, language: str, formdata: MultiDict,
                  soft_ack: bool = False) -> PageForm:
    """A bound page form filled with ``formdata`` (posted or stored answers) and a fresh CSRF token."""
    form = section_form_class(questionnaire, section, language)(formdata=formdata)
    form.soft_ack.data = "1" if soft_ack else ""
    return form


def csrf_is_valid() -> bool:
    """Whether the posted CSRF token matches this session (False when either expired or is missing).

    The respondent pages and the console's paper entry check it themselves, before the form: an expired token
    then shows the page again with what was typed, never a bare 400."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
