"""The one error the expression engine raises, with the position a questionnaire author needs to fix it."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A malformed expression: ``position`` is the 0-based character offset into ``source``.

    ``str(error)`` reads like ``unknown function 'foo' at column 7`` (column = position + 1), so a validator can
    put it after a file, line and element path without any further formatting.
    """

    def __init__(self, message: str, position: int, source: str) -> None:
        self.message = message
        self.position = position
        self.source = source
        super().__init__(f"{message} at column {position + 1}")

    def __reduce__(self):
        return (type(self), (self.message, self.position, self.source))
