"""KPI formulas: an indicator computed from other indicators with + − × ÷, brackets and
constants, e.g. ``(звонки + письма) / план_контактов * 100``.

No Qt, no database. The text is parsed by Python's own ``ast`` (a well-tested expression
grammar) and then checked against a whitelist: numbers, indicator codes, the four
operations, unary minus and brackets — nothing else is ever evaluated. Arithmetic is
``Decimal``. Errors are Russian sentences naming what is wrong: an unknown symbol and its
position, an unknown indicator, a cycle with its chain, a division by zero with the
divisor's text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

__all__ = [
    "Formula",
    "FormulaError",
    "evaluate",
    "evaluation_order",
    "parse_formula",
]

# The same precision for every indicator: results are shown rounded, but intermediate
# shares (e.g. 1/3) must not lose digits before a multiplication.
PRECISION = 28
_CODE = re.compile(r"^[^\W\d]\w*$")
# Typographic signs a user may paste from a document.
_SIGNS = {"×": "*", "·": "*", "÷": "/", "−": "-", "–": "-", "—": "-"}
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


class FormulaError(ValueError):
    """A formula that cannot be used; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    codes: frozenset[str]

    def __str__(self) -> str:
        return self.text


def _normalise(text: str) -> str:
    for sign, plain in _SIGNS.items():
        text = text.replace(sign, plain)
    return _DECIMAL_COMMA.sub(".", text)


_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _check(node: ast.AST, source: str, codes: set[str]) -> None:
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _ALLOWED_BINOPS):
            raise FormulaError(f"Формула: допустимы только + − × ÷, а не «"
                               f"{ast.get_source_segment(source, node) or '?'}»")
        _check(node.left, source, codes)
        _check(node.right, source, codes)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, source, codes)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    elif isinstance(node, ast.Name):
        codes.add(node.id)
    else:
        segment = ast.get_source_segment(source, node) or type(node).__name__
        raise FormulaError(f"Формула: «{segment}» — здесь допустимы только числа, коды "
                           f"показателей, + − × ÷ и скобки")


def parse_formula(text: str) -> Formula:
    """Parse and check a formula; raises :class:`FormulaError`."""
    if not text or not text.strip():
        raise FormulaError("Формула: пустая строка")
    source = _normalise(text.strip())
    for position, char in enumerate(source, start=1):
        if not (char.isalnum() or char in "_+-*/(). \t"):
            raise FormulaError(f"Формула: недопустимый символ «{char}» в позиции {position}")
    if "**" in source or "//" in source:
        raise FormulaError("Формула: допустимы только + − × ÷ (без «**» и «//»)")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        where = f" в позиции {exc.offset}" if exc.offset else ""
        raise FormulaError(f"Формула: ошибка записи{where} — проверьте скобки и знаки "
                           f"между числами и показателями") from None
    codes: set[str] = set()
    _check(tree, source, codes)
    return Formula(source, tree, frozenset(codes))


def _number(node: ast.Constant) -> Decimal:
    return Decimal(str(node.value))


def evaluate(formula: Formula, values: Mapping[str, Decimal | int | None]) -> Decimal | None:
    """The formula's value. An indicator with no value (``None``: no data for the
    period) makes the result ``None`` — an empty cell, not zero. Division by zero raises
    :class:`FormulaError` naming the divisor."""
    source = formula.text

    def value(node: ast.expr) -> Decimal | None:
        if isinstance(node, ast.Constant):
            return _number(node)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise FormulaError(f"Формула: нет показателя «{node.id}»")
            raw = values[node.id]
            return None if raw is None else Decimal(raw)
        if isinstance(node, ast.UnaryOp):
            inner = value(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub)
                                               else inner)
        assert isinstance(node, ast.BinOp)
        left, right = value(node.left), value(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            divisor = ast.get_source_segment(source, node.right) or "0"
            raise FormulaError(f"Формула «{source}»: деление на ноль («{divisor}» = 0)")
        return left / right

    with localcontext() as ctx:
        ctx.prec = PRECISION
        try:
            return value(formula.tree)
        except (DivisionByZero, InvalidOperation) as exc:  # pragma: no cover - guarded
            raise FormulaError(f"Формула «{source}»: {exc}") from None


def evaluation_order(formulas: Mapping[str, Formula], known: Iterable[str] = ()
                     ) -> list[str]:
    """Codes of formula indicators in an order where each comes after those it uses.
    ``known`` are the measure indicators (values read from the base). Raises
    :class:`FormulaError` for an unknown code or a cycle, naming the chain."""
    known_codes = set(known)
    for code in formulas:
        if not _CODE.match(code):
            raise FormulaError(f"Код показателя «{code}»: буквы, цифры и «_», "
                               f"начинается с буквы")
    for code, formula in formulas.items():
        for used in sorted(formula.codes):
            if used not in formulas and used not in known_codes:
                raise FormulaError(f"Показатель «{code}»: нет показателя «{used}»")
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2 or code not in formulas:
            return
        if state.get(code) == 1:
            chain = path[path.index(code):] + [code]
            raise FormulaError("Показатели ссылаются друг на друга по кругу: "
                               + " → ".join(chain))
        state[code] = 1
        for used in sorted(formulas[code].codes):
            visit(used, [*path, code])
        state[code] = 2
        order.append(code)

    for code in formulas:
        visit(code, [])
    return order
