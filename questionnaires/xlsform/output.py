"""Write a converted definition as YAML, all at once or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from questionnaires.xlsform.convert import Conversion


class _Dumper(yaml.SafeDumper):
    """Writes a text shared by two elements (a form title reused for a section) in full, not as an alias."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(conversion: Conversion) -> str:
    """The definition as FORMAT.md YAML, keys in the documented order, Vietnamese written as is."""
    if not conversion.ok or conversion.definition is None:
        raise ValueError("only a valid conversion can be written; read its problems")
    header = f"# Imported from {Path(conversion.source).name} by `parsurvey questionnaires import-xlsform`.\n"
    body = yaml.dump(conversion.definition, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return header + body


def write_yaml(conversion: Conversion, out: str | Path) -> None:
    """Write atomically (a temporary file renamed into place), so a failure never leaves a partial file."""
    text = dump_yaml(conversion)
    out = Path(out)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
