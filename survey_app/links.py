"""Respondent links: the two URL shapes a respondent reaches a survey by, spelled once.

``/s/<code>`` is a personal link (the code printed on an invitation letter); ``/o/<slug>/<unit_code>`` is an
open link (a QR code at a unit's one-stop desk). The respondent blueprint registers its rules under these
prefixes, and the invitation files, QR codes, the demo and the development server print links with
:func:`personal_link` and :func:`open_link`, so a printed link always reaches the page that serves it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

PERSONAL_PREFIX = "/s/<code>"
OPEN_PREFIX = "/o/<slug>/<unit_code>"
#: The Flask rule prefixes of every respondent page, personal shape first.
PREFIXES = (PERSONAL_PREFIX, OPEN_PREFIX)

_PLACEHOLDER = re.compile(r"<(\w+)>")


def personal_link(base_url: str, code: str) -> str:
    """The link printed beside an invitation code, e.g. ``https://host/s/ABCD-EFGH``."""
    return _absolute(base_url, PERSONAL_PREFIX, code=code)


def open_link(base_url: str, slug: str, unit_code: str) -> str:
    """The public link of an open survey for one unit, e.g. ``https://host/o/sipas-2023/HP-01``."""
    return _absolute(base_url, OPEN_PREFIX, slug=slug, unit_code=unit_code)


def _absolute(base_url: str, prefix: str, **values: str) -> str:
    path = _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), prefix)
    return base_url.rstrip("/") + path
