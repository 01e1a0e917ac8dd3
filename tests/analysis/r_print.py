"""How R prints a ``svystat`` (``svymean``/``svytotal``), so tests compare with R's output digit for digit.

R survey's ``print.svystat`` calls ``printCoefmat(cbind(estimate, SE))`` with the default ``digits = 5``. With two
columns, ``printCoefmat`` treats the SE as its test-statistic column: it rounds it to ``dig.tst = 4`` decimals
first and only then formats it to 5 significant digits. Printed SEs are therefore rounded twice: 23.920486 becomes
23.9205 and then "23.921", although 23.920486 itself rounds to 23.920.
"""

from __future__ import annotations

import math

R_DIGITS = 5  # printCoefmat's default: max(3, getOption("digits") - 2)
R_SE_DECIMALS = 4  # printCoefmat's dig.tst: max(1, min(5, digits - 1))


def r_format(value: float, digits: int = R_DIGITS) -> str:
    """R's ``format(value, digits=)`` for one finite number in fixed notation (trailing zeros dropped)."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def r_printed_se(se: float) -> str:
    """The SE as ``print(svymean(...))`` shows it: ``format(round(se, 4), digits=5)``."""
    return r_format(round(se, R_SE_DECIMALS))
