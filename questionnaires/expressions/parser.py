"""A Pratt parser from tokens to a small tree of tuples, checking functions and their arity as it goes.

Nodes: ``("literal", value)``, ``("ref", item_id)``, ``("current",)``, ``("negate", node)``,
``("binary", operator, left, right)``, ``("call", function, (args...))``.
"""

from __future__ import annotations

from .errors import ExpressionError
from .lexer import Token, tokenize
from .patterns import pattern_problem

# Binding power of each infix operator: a higher number binds tighter.
INFIX = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
         "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6}
PREFIX_MINUS = 7
# Function name -> (fewest, most) arguments.
FUNCTIONS = {"selected": (2, 2), "count-selected": (1, 1), "string-length": (1, 1), "if": (3, 3),
             "number": (1, 1), "coalesce": (2, 2), "not": (1, 1), "true": (0, 0), "false": (0, 0),
             "regex": (2, 2)}
# Deeper trees are refused so that neither engine can exhaust its stack on a hostile or generated input;
# a long chain ``a or b or c ...`` counts one level per operator.
MAX_DEPTH = 100


def parse_tree(source: str) -> tuple:
    """The tree of ``source``; raises ExpressionError for anything the language does not allow."""
    return _Parser(source).parse()


def _operator(token: Token) -> str | None:
    """The infix operator a token stands for, if any (``and`` is a name token, ``=`` a symbol)."""
    if token.kind in ("symbol", "name") and token.text in INFIX:
        return token.text
    return None


def _shown(token: Token) -> str:
    if token.kind == "end":
        return "end of expression"
    return token.text if token.kind == "string" else f"'{token.text}'"


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    def error(self, message: str, token: Token) -> ExpressionError:
        return ExpressionError(message, token.position, self.source)

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> tuple:
        if self.peek().kind == "end":
            raise ExpressionError("empty expression", 0, self.source)
        tree, _ = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            hint = " (missing operator?)" if token.kind != "symbol" else ""
            raise self.error(f"unexpected {_shown(token)}{hint}", token)
        return tree

    def expression(self, min_power: int, height: int = 0) -> tuple[tuple, int]:
        """Operands joined by operators that bind tighter than ``min_power`` (left-associative), and the
        height of the tree; ``height`` is how deep the caller already is."""
        left, left_height = self.operand(height)
        while (op := _operator(self.peek())) is not None and INFIX[op] > min_power:
            token = self.advance()
            right, right_height = self.expression(INFIX[op], height + 1)
            left, left_height = ("binary", op, left, right), max(left_height, right_height) + 1
            self.check_height(height + left_height, token)
        return left, left_height

    def check_height(self, height: int, token: Token) -> None:
        if height > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)", token)

    def operand(self, height: int) -> tuple[tuple, int]:
        token = self.advance()
        self.check_height(height, token)
        if token.kind in ("number", "string"):
            return ("literal", token.value), 1
        if token.kind == "ref":
            return ("ref", token.value), 1
        if token.kind == "current":
            return ("current",), 1
        if token.kind == "symbol" and token.text == "-":
            inner, inner_height = self.expression(PREFIX_MINUS, height + 1)
            return ("negate", inner), inner_height + 1
        if token.kind == "symbol" and token.text == "(":
            inner, inner_height = self.expression(0, height + 1)
            self.expect_close()
            return inner, inner_height
        if token.kind == "name" and token.text not in INFIX:
            return self.call(token, height)
        raise self.error(f"expected a value, found {_shown(token)}", token)

    def expect_close(self) -> None:
        token = self.peek()
        if token.kind == "symbol" and token.text == ")":
            self.advance()
            return
        if token.kind == "end":
            raise self.error("missing ')'", token)
        raise self.error(f"expected ')' or an operator, found {_shown(token)}", token)

    def call(self, name: Token, height: int) -> tuple[tuple, int]:
        opening = self.peek()
        if not (opening.kind == "symbol" and opening.text == "("):
            if name.text in FUNCTIONS:
                raise self.error(f"function '{name.text}' needs parentheses: {name.text}(...)", name)
            raise self.error(f"unknown name '{name.text}' (an answer is written ${{{name.text}}})", name)
        if name.text not in FUNCTIONS:
            raise self.error(f"unknown function '{name.text}'", name)
        self.advance()
        args, args_height = self.arguments(height + 1)
        fewest, most = FUNCTIONS[name.text]
        if not fewest <= len(args) <= most:
            wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}"
            noun = "argument" if wanted == "1" else "arguments"
            raise self.error(f"function '{name.text}' takes {wanted} {noun}, not {len(args)}", name)
        if name.text == "regex":
            self.check_pattern(args[1], name)
        return ("call", name.text, tuple(args)), args_height + 1

    def check_pattern(self, node: tuple, name: Token) -> None:
        """regex() takes a quoted pattern that cannot run for ages (see ``patterns``), checked here, once."""
        if node[0] != "literal" or not isinstance(node[1], str):
            raise self.error("regex() needs its pattern as quoted text", name)
        problem = pattern_problem(node[1])
        if problem:
            raise self.error(problem, name)

    def arguments(self, height: int) -> tuple[list[tuple], int]:
        """The comma-separated arguments up to the closing ')', and the height of the tallest."""
        args: list[tuple] = []
        tallest = 0
        if self.peek().kind == "symbol" and self.peek().text == ")":
            self.advance()
            return args, tallest
        while True:
            arg, arg_height = self.expression(0, height)
            args.append(arg)
            tallest = max(tallest, arg_height)
            if self.peek().kind == "symbol" and self.peek().text == ",":
                self.advance()
                continue
            self.expect_close()
            return args, tallest
