"""KPI formulas: what a head typing an indicator's formula sees."""

from decimal import Decimal

import pytest

from vostok_desktop.services.kpi.formula import (
    FormulaError,
    evaluate,
    evaluation_order,
    parse_formula,
)


def test_a_formula_computes_with_exact_decimals_and_typographic_signs() -> None:
    formula = parse_formula("(звонки + письма) × 100 ÷ план − 0,5")
    assert formula.codes == {"звонки", "письма", "план"}
    value = evaluate(formula, {"звонки": 7, "письма": Decimal("3"), "план": 30})
    # 10 × 100 / 30 − 0.5 — exact to the shown digits, not a float's 32.83333333333333
    assert value.quantize(Decimal("0.0001")) == Decimal("32.8333")
    assert evaluate(parse_formula("0.1 + 0.2"), {}) == Decimal("0.3")


def test_unary_minus_and_precedence() -> None:
    assert evaluate(parse_formula("-a + b * 2"), {"a": 1, "b": 3}) == 5
    assert evaluate(parse_formula("(a + b) * 2"), {"a": 1, "b": 3}) == 8


def test_a_missing_value_gives_an_empty_result_not_zero() -> None:
    assert evaluate(parse_formula("a / b * 100"), {"a": None, "b": 4}) is None


def test_division_by_zero_names_the_divisor() -> None:
    with pytest.raises(FormulaError, match="деление на ноль.*«план - факт» = 0"):
        evaluate(parse_formula("a / (план - факт)"), {"a": 1, "план": 5, "факт": 5})


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "пустая строка"),
    ("a % b", "недопустимый символ «%» в позиции 3"),
    ("a ** 2", "без «**»"),
    ("(a + b", "ошибка записи"),
    ("__import__('os')", "недопустимый символ «'»"),
    ("max(a, b)", "недопустимый символ «,»"),
    ("a.b", "«a.b»"),
    ("f(a)", "«f(a)»"),
])
def test_bad_formulas_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(FormulaError) as error:
        parse_formula(text)
    assert fragment in error.value.message


def test_order_puts_used_indicators_first_and_refuses_cycles_and_unknown_codes() -> None:
    formulas = {"доля": parse_formula("итог / план * 100"),
                "итог": parse_formula("звонки + письма")}
    assert evaluation_order(formulas, known={"звонки", "письма", "план"}) == ["итог", "доля"]
    with pytest.raises(FormulaError, match="нет показателя «план»"):
        evaluation_order(formulas, known={"звонки", "письма"})
    cycle = {"a": parse_formula("b + 1"), "b": parse_formula("c * 2"),
             "c": parse_formula("a - 1")}
    with pytest.raises(FormulaError, match="по кругу: a → b → c → a"):
        evaluation_order(cycle)
    with pytest.raises(FormulaError, match="по кругу: a → a"):
        evaluation_order({"a": parse_formula("a + 1")})
