"""Cut an expression into tokens, each with the offset where it starts (for error messages)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ExpressionError

WHITESPACE = " \t\r\n"
SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")
# Habits from other languages, caught with a message that says what to write instead.
MISTAKES = {"==": "use '=' to compare, not '=='", "&&": "use 'and', not '&&'", "||": "use 'or', not '||'",
            "!": "use not(...) to negate, not '!'", "/": "use 'div' to divide, not '/'",
            "%": "use 'mod' for the remainder, not '%'"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number | string | ref | current | name | symbol | end
    text: str
    position: int
    value: object = None


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_letter(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z" or ch == "_"


def _is_id_char(ch: str) -> bool:
    return _is_letter(ch) or _is_digit(ch) or ch in ".-"


def describe(ch: str) -> str:
    """A character as a message can show it: invisible and non-ASCII ones by their code point."""
    return f"'{ch}'" if " " < ch < "\x7f" else f"U+{ord(ch):04X}"


def tokenize(source: str) -> list[Token]:
    """All tokens of ``source`` followed by an ``end`` token at ``len(source)``."""
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch in WHITESPACE:
            i += 1
        elif _is_digit(ch) or (ch == "." and i + 1 < len(source) and _is_digit(source[i + 1])):
            i = _number(source, i, tokens)
        elif ch == ".":
            tokens.append(Token("current", ".", i))
            i += 1
        elif ch in "'\"":
            i = _string(source, i, tokens)
        elif ch == "$":
            i = _reference(source, i, tokens)
        elif _is_letter(ch):
            i = _name(source, i, tokens)
        else:
            i = _symbol(source, i, tokens)
    tokens.append(Token("end", "", len(source)))
    return tokens


def _number(source: str, start: int, tokens: list[Token]) -> int:
    i = start
    while i < len(source) and _is_digit(source[i]):
        i += 1
    if i < len(source) and source[i] == ".":
        i += 1
        while i < len(source) and _is_digit(source[i]):
            i += 1
    text = source[start:i]
    value = float(text)
    if value == float("inf"):
        raise ExpressionError("number too large", start, source)
    tokens.append(Token("number", text, start, value))
    return i


def _string(source: str, start: int, tokens: list[Token]) -> int:
    end = source.find(source[start], start + 1)
    if end < 0:
        raise ExpressionError("unterminated string (missing closing quote)", start, source)
    tokens.append(Token("string", source[start : end + 1], start, source[start + 1 : end]))
    return end + 1


def _reference(source: str, start: int, tokens: list[Token]) -> int:
    if not source.startswith("${", start):
        raise ExpressionError("'$' must start a reference like ${Q1}", start, source)
    end = source.find("}", start + 2)
    if end < 0:
        raise ExpressionError("unterminated reference '${' (missing '}')", start, source)
    name = source[start + 2 : end]
    if not name:
        raise ExpressionError("empty reference '${}'", start, source)
    bad = next((j for j, ch in enumerate(name) if not (_is_letter(ch) if j == 0 else _is_id_char(ch))), None)
    if bad is not None:
        raise ExpressionError(f"invalid item id '{name}' in reference", start + 2 + bad, source)
    tokens.append(Token("ref", source[start : end + 1], start, name))
    return end + 1


def _name(source: str, start: int, tokens: list[Token]) -> int:
    """A name: letters, digits, '_' and a '-' that joins two parts (``count-selected``, but ``2 div-1``)."""
    i = start + 1
    while i < len(source):
        ch = source[i]
        if _is_letter(ch) or _is_digit(ch) or (ch == "-" and i + 1 < len(source) and _is_letter(source[i + 1])):
            i += 1
        else:
            break
    tokens.append(Token("name", source[start:i], start))
    return i


def _symbol(source: str, start: int, tokens: list[Token]) -> int:
    for mistake, message in MISTAKES.items():
        if source.startswith(mistake, start) and not source.startswith("!=", start):
            raise ExpressionError(message, start, source)
    for symbol in SYMBOLS:
        if source.startswith(symbol, start):
            tokens.append(Token("symbol", symbol, start))
            return start + len(symbol)
    raise ExpressionError(f"unexpected character {describe(source[start])}", start, source)
