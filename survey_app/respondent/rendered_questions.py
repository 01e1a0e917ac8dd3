"""Rendered questions, memoised: a question's HTML depends only on its form class (questionnaire version, section,
language), whether it is hidden, its current values and its messages. Respondents mostly see the same few states
of a choice question (nothing chosen, or one of a few options), so a small cache serves most of a page and keeps a
60-question page close to the cost of a bare template (see benchmarks/web.py)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock

from flask import current_app
from markupsafe import Markup

from survey_app.respondent.forms import Question

WIDGETS = "respondent/widgets.html"
CACHE_SIZE = 4096
_cache: OrderedDict[tuple, Markup] = OrderedDict()
_lock = Lock()


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _key(q: Question, hidden: bool, problems: Mapping[str, list[str]], warnings: Mapping[str, list[str]]) -> tuple:
    key = (q.form_class, q.item.id, hidden, *[_hashable(f.data) for f in q.fields])
    if "data-min" in q.attributes or "data-max" in q.attributes or isinstance(q.text, Markup) \
            or q.item.choice_filter or q.option_pipes:
        # piped answers, bounds resolved today, a choice filter's options
        key += (q.text, q.hint, tuple(q.attributes.items()), q.allowed, q.option_pipes)
    if problems or warnings:  # rare: only on a page sent back with messages
        names = (q.item.id, *q.item.variables)
        key += (tuple(tuple(problems.get(n, ())) for n in names), tuple(tuple(warnings.get(n, ())) for n in names))
    return key


def render_question(q: Question, hidden: bool, problems: Mapping[str, list[str]],
                    warnings: Mapping[str, list[str]]) -> Markup:
    """The question's widget macro output, from the cache when this exact state was rendered before."""
    key = _key(q, hidden, problems, warnings)
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    widgets = current_app.jinja_env.get_template(WIDGETS).module
    html = Markup(widgets.question(q, problems, warnings, hidden))
    with _lock:
        _cache[key] = html
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return html
