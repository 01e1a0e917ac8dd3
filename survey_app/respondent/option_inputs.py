"""The inputs of choice questions as markup built once per form class and field; per request only "checked" and
"disabled" vary. A 60-question page has hundreds of options: building each one's tag in a template dominated the
page's cost, and this keeps a page within a small factor of a bare precompiled template (see benchmarks/web.py)."""

from __future__ import annotations

from threading import Lock
from weakref import WeakKeyDictionary

from markupsafe import Markup
from wtforms import Field

CHOICE = ('<label class="choice" for="{id}"><input id="{id}" name="{name}" type="{kind}" value="{value}"',
          '> <span>{label}</span></label>')
CELL = ('<td data-label="{label}"><label class="matrix-cell" for="{id}"><input id="{id}" name="{name}" type="radio" '
        'value="{value}"', '><span class="visually-hidden">{row}: {label}</span>'
        '<span class="stacked-label" aria-hidden="true">{label}</span></label></td>')
STYLES = {"radio": CHOICE, "checkbox": CHOICE, "cell": CELL}

Fragment = tuple[str, str, str]  # option code, markup before " checked", markup after it
_BUILT: WeakKeyDictionary[type, dict[tuple[str, str], tuple[Fragment, ...]]] = WeakKeyDictionary()
_LOCK = Lock()


def _fragments(field: Field, style: str) -> tuple[Fragment, ...]:
    head, tail = STYLES[style]
    built = []
    for index, choice in enumerate(field.choices):
        values = {"id": f"{field.id}-{index}", "name": field.name, "kind": style, "value": choice.value,
                  "label": choice.label, "row": field.label.text}
        built.append((str(choice.value), str(Markup(head).format(**values)), str(Markup(tail).format(**values))))
    return tuple(built)


def fragments_for(form_class: type, field: Field, style: str) -> tuple[Fragment, ...]:
    """The cached fragments of ``field`` (a field of ``form_class``) drawn in ``style``."""
    key = (field.name, style)
    with _LOCK:
        cached = _BUILT.setdefault(form_class, {}).get(key)
    if cached is None:
        cached = _fragments(field, style)
        with _LOCK:
            _BUILT[form_class][key] = cached
    return cached


def chosen_codes(field: Field) -> frozenset[str]:
    """The option codes currently selected in a choice field (one for radios, several for checkboxes)."""
    data = field.data
    if data is None or data == "":
        return frozenset()
    return frozenset(str(d) for d in data) if isinstance(data, list | tuple) else frozenset({str(data)})


def option_inputs(form_class: type, field: Field, style: str, disabled: bool,
                  allowed: frozenset[str] | None = None) -> Markup:
    """Every option of ``field`` as labelled inputs, the chosen ones checked, all disabled when hidden; options a
    choice filter leaves out (not in ``allowed``) are hidden and disabled, for survey.js to show again."""
    chosen = chosen_codes(field)
    after = " disabled" if disabled else ""
    return Markup("".join(
        [(head if allowed is None or code in allowed else head.replace("<label ", "<label hidden ", 1) + " disabled")
         + (" checked" if code in chosen else "") + after + tail
         for code, head, tail in fragments_for(form_class, field, style)]
    ))
