"""Amounts are read exactly, in the forms people write, and reach clingo without any overflow."""

from __future__ import annotations

from decimal import Decimal

import clingo
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pysvc.amounts import MONEY_LIMIT, AmountError, Money, parse_count, parse_money


@pytest.mark.parametrize(
    ("written", "currency", "amount"),
    [
        ("80000000元", "CNY", "80000000"),
        ("8000万元", "CNY", "80000000"),
        ("1亿元", "CNY", "100000000"),
        ("1.2亿元人民币", "CNY", "120000000"),
        ("2.5万美元", "USD", "25000"),
        ("USD 25,000", "USD", "25000"),
        ("人民币3000亿元", "CNY", "300000000000"),
        ({"amount": 200, "unit": "万美元"}, "USD", "2000000"),
        ({"amount": "0.5", "unit": "亿元"}, "CNY", "50000000"),
    ],
)
def test_amounts_are_read_in_the_forms_people_write(written: object, currency: str, amount: str) -> None:
    money = parse_money(written)
    assert (money.currency, money.amount) == (currency, Decimal(amount))


def test_a_bare_number_takes_the_year_currency() -> None:
    assert parse_money(80000000, default_currency="CNY") == Money("CNY", Decimal(80000000))
    assert parse_money("1亿", default_currency="CNY") == Money("CNY", Decimal(10) ** 8)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (80000000, "missing currency"),
        ("1亿", "missing currency"),
        ("8000万圆", "cannot read"),
        ("8000 million yuan", "cannot read"),
        ({"amount": 200, "unit": "万欧元"}, "unknown unit"),
        ("-5万元", "negative amount"),
        ("0.001元", "more than two decimal places"),
        ("10000000亿元", "beyond the largest amount"),
        ("USD 5 元", "names two currencies"),
        (True, "expected an amount"),
    ],
)
def test_unreadable_amounts_say_what_is_expected(written: object, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_money(written)


def test_a_loss_may_be_negative_where_the_figure_is_signed() -> None:
    assert parse_money("-120万元", signed=True).amount == Decimal(-1200000)


@pytest.mark.parametrize(("written", "count"), [(5, 5), ("5,000", 5000), ("1.2万", 12000)])
def test_counts_are_whole_numbers(written: object, count: int) -> None:
    assert parse_count(written) == count


@pytest.mark.parametrize("written", [-1, "1.5", "五", 10**9 + 1, False])
def test_bad_counts_are_rejected(written: object) -> None:
    with pytest.raises(AmountError):
        parse_count(written)


def _ordered(a: Money, b: Money) -> bool:
    """clingo's own order of the two terms, read from a ground program."""
    ctl = clingo.Control()
    with ctl.backend() as backend:
        backend.add_rule([backend.add_atom(clingo.Function("a", [a.to_symbol()]))])
        backend.add_rule([backend.add_atom(clingo.Function("b", [b.to_symbol()]))])
    ctl.add("base", [], "le :- a(X), b(Y), X <= Y.")
    ctl.ground([("base", [])])
    return any(atom.symbol.name == "le" for atom in ctl.symbolic_atoms)


cents = st.integers(min_value=-(int(MONEY_LIMIT) * 100 - 1), max_value=int(MONEY_LIMIT) * 100 - 1)


@given(cents, cents)
def test_clingo_orders_money_terms_as_numbers_over_the_whole_range(a: int, b: int) -> None:
    x, y = Money("CNY", Decimal(a) / 100), Money("CNY", Decimal(b) / 100)
    assert _ordered(x, y) == (x.amount <= y.amount)
    assert Money.from_symbol(x.to_symbol()) == x


def test_no_part_of_a_money_term_leaves_32_bits_at_the_limits() -> None:
    for value in (MONEY_LIMIT - Decimal("0.01"), -(MONEY_LIMIT - Decimal("0.01"))):
        parts = [arg.number for arg in Money("CNY", value).to_symbol().arguments[1:]]
        assert all(-(2**31) < p < 2**31 for p in parts)


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("25亿元", "25亿元"),
        ("2999亿元", "3000亿元"),
        ("21.47483647亿元", "21.47483648亿元"),
        ("79999999.99元", "8000万元"),
    ],
)
def test_large_amounts_compare_correctly_in_clingo(smaller: str, larger: str) -> None:
    assert _ordered(parse_money(smaller), parse_money(larger))
    assert _ordered(parse_money(larger), parse_money(smaller)) == (smaller == larger)
