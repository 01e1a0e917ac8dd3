"""The ``type`` column of the survey sheet: what each XLSForm type becomes, or why it cannot be converted."""

from __future__ import annotations

from dataclasses import dataclass

QUESTION_TYPES = {
    "integer": "integer", "int": "integer", "decimal": "decimal", "text": "text", "string": "text",
    "date": "date", "note": "note", "calculate": "calculate", "acknowledge": "acknowledge", "trigger": "acknowledge",
}
FROM_FILE = {"select_one_from_file": "single_choice", "select_multiple_from_file": "multiple_choice"}
SELECT_TYPES = {  # longest aliases first, so that "select one from" wins over "select one"
    "select all that apply from": "multiple_choice", "select one from": "single_choice",
    "select_multiple": "multiple_choice", "select all that apply": "multiple_choice",
    "select_one": "single_choice", "select one": "single_choice", "select1": "single_choice",
}
BEGIN_GROUP = frozenset({"begin group", "begin_group"})
END_GROUP = frozenset({"end group", "end_group"})
BEGIN_REPEAT = frozenset({"begin repeat", "begin_repeat", "begin loop", "begin_loop", "begin looped group"})
END_REPEAT = frozenset({"end repeat", "end_repeat", "end loop", "end_loop", "end looped group"})
METADATA = frozenset({
    "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username", "email",
    "audit", "start-geopoint",
})
UNSUPPORTED = {
    "geopoint": "locations are not collected", "geotrace": "locations are not collected",
    "geoshape": "locations are not collected", "image": "media answers are not collected",
    "photo": "media answers are not collected", "audio": "media answers are not collected",
    "video": "media answers are not collected", "file": "file uploads are not collected",
    "background-audio": "media answers are not collected", "barcode": "barcodes are not scanned",
    "range": "use integer with a constraint",
    "rank": "use one select_one per position", "hidden": "hidden fields are not stored",
    "time": "use text", "datetime": "use date", "dateTime": "use date",
    "select_one_external": "choices must be on the choices sheet (or in a CSV: select_one_from_file)",
    "xml-external": "external data is not supported", "csv-external": "external data is not supported",
}


@dataclass(frozen=True)
class RowType:
    """``kind`` is question | begin_group | end_group | begin_repeat | end_repeat | metadata | unsupported."""

    kind: str
    item_type: str | None = None
    list_name: str | None = None
    message: str | None = None
    or_other: bool = False
    options_file: str | None = None  # select_one_from_file: the CSV beside the workbook


def parse_type(raw: str) -> RowType:
    """Read one ``type`` cell; ``message`` says what is wrong when ``kind`` is ``unsupported``."""
    text = " ".join(raw.split())
    lowered = text.lower()
    if lowered in QUESTION_TYPES:
        return RowType("question", QUESTION_TYPES[lowered])
    for kind, names in (("begin_group", BEGIN_GROUP), ("end_group", END_GROUP),
                        ("begin_repeat", BEGIN_REPEAT), ("end_repeat", END_REPEAT)):
        if lowered in names:
            return RowType(kind)
    if lowered in METADATA:
        return RowType("metadata")
    first = lowered.split(" ")[0]
    if first in FROM_FILE:
        words = text.split()[1:]
        if len(words) != 1 or not words[0].lower().endswith(".csv"):
            return RowType("unsupported", message=f"type '{text}' needs one .csv file name (an .xml or .geojson "
                                                  "list is not supported)")
        return RowType("question", FROM_FILE[first], options_file=words[0])
    if first in UNSUPPORTED:
        return RowType("unsupported", message=f"type '{first}' is not supported: {UNSUPPORTED[first]}")
    for alias, item_type in SELECT_TYPES.items():
        if lowered.startswith(alias + " ") or lowered == alias:
            return _select(text[len(alias):].split(), item_type, text)
    return RowType("unsupported", message=f"type '{text}' is not supported (unknown type)")


def _select(words: list[str], item_type: str, text: str) -> RowType:
    or_other = bool(words) and words[-1].lower() == "or_other"
    if or_other:
        words = words[:-1]
    elif len(words) >= 3 and [w.lower() for w in words[-3:]] == ["or", "specify", "other"]:
        words, or_other = words[:-3], True  # pyxform's older spelling: "select one from sexes or specify other"
    if len(words) != 1:
        return RowType("unsupported", message=f"type '{text}' needs exactly one choice list name")
    return RowType("question", item_type, words[0], or_other=or_other)
