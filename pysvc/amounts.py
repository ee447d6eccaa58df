"""Exact money and count values, parsed from the forms people write in fact files.

Money is a Decimal with a currency (CNY or USD) and at most two decimal places. It reaches clingo
as ``money(Currency, Yi, Units, Cents)``: whole 亿 (10^8), the remaining whole units (< 10^8) and
the cents (< 100), every part carrying the sign of the amount. clingo orders such terms
lexicographically, which is the numeric order, and no part can exceed 32 bits because amounts are
bounded by ``MONEY_LIMIT`` at validation: overflow is impossible by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from typing import Literal

import clingo

Currency = Literal["CNY", "USD"]

#: Largest magnitude accepted for an amount (10^15 = 1000 万亿): Yi stays below 10^7.
MONEY_LIMIT = Decimal(10) ** 15
#: Largest count accepted: comfortably inside clingo's 32-bit integers.
COUNT_LIMIT = 10**9
#: A number as written: digits, commas only between groups of three (1,000,000), a decimal part.
NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: Longest number text read (digits, commas, point): far beyond any amount, short enough to stay exact.
_MAX_NUMBER_TEXT = 40
#: Arithmetic on amounts: exact or an error, never rounded.
_EXACT = Context(prec=80, traps=[InvalidOperation, Inexact])

_YI = Decimal(10) ** 8
_CENTS_PER_YI = 10**8 * 100
_CURRENCY_TERMS: dict[str, str] = {"CNY": "cny", "USD": "usd"}
_SCALES = {"": Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "亿": _YI}
_CURRENCY_WORDS: dict[str, Currency] = {
    "元": "CNY",
    "人民币": "CNY",
    "元人民币": "CNY",
    "人民币元": "CNY",
    "CNY": "CNY",
    "RMB": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "美元": "USD",
    "USD": "USD",
    "US$": "USD",
    "$": "USD",
}
_CURRENCY_PATTERN = "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"^\s*(?P<pre>{_CURRENCY_PATTERN})?\s*(?P<sign>-)?(?P<number>\d[\d,]*(?:\.[\d,]+)?)\s*"
    rf"(?P<scale>[千万亿])?\s*(?P<post>{_CURRENCY_PATTERN})?\s*$",
    re.IGNORECASE,
)
_UNIT = re.compile(rf"^\s*(?P<scale>[千万亿])?\s*(?P<cur>{_CURRENCY_PATTERN})?\s*$", re.IGNORECASE)

CURRENCY_ZH: dict[Currency, str] = {"CNY": "元", "USD": "美元"}


class AmountError(ValueError):
    """An amount or count that cannot be read; the message says what is expected."""


@dataclass(frozen=True, order=False)
class Money:
    """An exact amount of one currency."""

    currency: Currency
    amount: Decimal

    def to_symbol(
        self, function: Callable[[str, list[clingo.Symbol]], clingo.Symbol] = clingo.Function
    ) -> clingo.Symbol:
        """The overflow-free clingo term ``money(cur, Yi, Units, Cents)`` (made by `function`, a
        maker with clingo.Function's signature)."""
        sign = -1 if self.amount < 0 else 1
        cents = int(abs(self.amount) * 100)
        yi, rest = divmod(cents, _CENTS_PER_YI)
        units, cent = divmod(rest, 100)
        parts = [function(_CURRENCY_TERMS[self.currency], [])]
        parts += [clingo.Number(sign * yi), clingo.Number(sign * units), clingo.Number(sign * cent)]
        return function("money", parts)

    @classmethod
    def from_symbol(cls, symbol: clingo.Symbol) -> Money:
        """Read back a ``money/4`` term."""
        cur, yi, units, cents = symbol.arguments
        value = Decimal(yi.number) * _YI + Decimal(units.number) + Decimal(cents.number) / 100
        currency: Currency = "CNY" if cur.name == "cny" else "USD"
        return cls(currency, value)

    def __str__(self) -> str:
        return format_money(self)


def magnitude(value: Money | int) -> Decimal:
    """The number of an amount or a count, to compare figures of one unit."""
    return value.amount if isinstance(value, Money) else Decimal(value)


def format_money(money: Money, lang: str = "zh") -> str:
    """A readable amount: ``8,000万元`` style in Chinese, ``CNY 80,000,000`` in English."""
    value = money.amount.normalize() if money.amount == money.amount.to_integral() else money.amount
    if lang == "en":
        return f"{money.currency} {value:,.2f}".replace(".00", "")
    for scale, word in ((_YI, "亿"), (Decimal(10) ** 4, "万")):
        if abs(money.amount) >= scale:
            scaled = (money.amount / scale).normalize()
            return f"{scaled:,f}{word}{CURRENCY_ZH[money.currency]}"
    return f"{value:,f}{CURRENCY_ZH[money.currency]}"


def shown(value: object, width: int = 60) -> str:
    """A value as a message quotes it: one line, at most `width` characters, containers by kind."""
    if isinstance(value, dict | list | tuple | set):
        return f"a {type(value).__name__} of {len(value)}"
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 1]}…"


def _decimal(text: str) -> Decimal:
    """A number as written (``-``, digits, thousands commas, decimals), read exactly."""
    digits = text[1:] if text.startswith("-") else text
    if len(digits) > _MAX_NUMBER_TEXT:
        raise AmountError(f"{shown(text)} has more than {_MAX_NUMBER_TEXT} characters: beyond any amount accepted")
    if not re.fullmatch(NUMBER_PATTERN, digits):
        if re.fullmatch(r"[\d,]+(?:\.[\d,]+)?", digits):
            raise AmountError(
                f"{shown(text)}: a comma may only separate groups of three digits (1,000,000); "
                "write decimals with a point (0.7亿元)"
            )
        raise AmountError(f"{shown(text)} is not a number")
    return Decimal(text.replace(",", ""))


def _scaled(value: Decimal, scale: str) -> Decimal:
    try:
        with localcontext(_EXACT):
            return value * _SCALES[scale]
    except (Inexact, InvalidOperation):
        raise AmountError(f"{value:.2e} is beyond any amount or count accepted") from None


def _checked(value: Decimal, currency: Currency | None, signed: bool) -> Money:
    if not value.is_finite():
        raise AmountError(f"{value} is not a finite number")
    if abs(value) >= MONEY_LIMIT:
        number = f"{value:,f}" if abs(value) < 10**30 else f"{value:.2e}"
        raise AmountError(f"{number} is beyond the largest amount accepted (10^15)")
    if currency is None:
        raise AmountError(
            "missing currency: write it with the amount (e.g. 8000万元, 2.5万美元, USD 25000) "
            "or set `currency: CNY|USD` for the year"
        )
    if value < 0 and not signed:
        raise AmountError(f"negative amount {value}: this figure cannot be negative")
    if value != value.quantize(Decimal("0.01")):
        raise AmountError(f"{value} has more than two decimal places (amounts are exact to the fen/cent)")
    return Money(currency, value)


def parse_money(raw: object, default_currency: Currency | None = None, signed: bool = False) -> Money:
    """Read ``80000000``, ``8000万元``, ``1亿``, ``2.5万美元`` or ``{amount: 200, unit: 万美元}``."""
    if isinstance(raw, bool):
        raise AmountError(f"expected an amount, got {raw!r}")
    if isinstance(raw, int | Decimal):
        return _checked(Decimal(raw), default_currency, signed)
    if isinstance(raw, float):
        return _checked(Decimal(repr(raw)), default_currency, signed)
    if isinstance(raw, dict):
        return _parse_money_mapping(raw, default_currency, signed)
    if not isinstance(raw, str):
        raise AmountError(f"expected an amount such as 8000万元 or 2.5万美元, got {type(raw).__name__}")
    match = _AMOUNT.match(raw)
    if not match:
        raise AmountError(f"cannot read {shown(raw)} as an amount; write e.g. 80000000元, 8000万元, 1亿元, 2.5万美元")
    pre, post = match["pre"], match["post"]
    named = {_CURRENCY_WORDS[_canonical_word(w)] for w in (pre, post) if w}
    if len(named) > 1:
        raise AmountError(f"{shown(raw)} names two currencies")
    currency = named.pop() if named else default_currency
    value = _scaled(_decimal(match["number"]), match["scale"] or "")
    return _checked(-value if match["sign"] else value, currency, signed)


def _canonical_word(word: str) -> str:
    upper = word.upper()
    return upper if upper in _CURRENCY_WORDS else word


def _parse_money_mapping(raw: dict, default_currency: Currency | None, signed: bool) -> Money:
    unknown = set(raw) - {"amount", "unit", "currency"}
    if unknown or "amount" not in raw:
        raise AmountError("an amount mapping has `amount` and `unit` (e.g. {amount: 200, unit: 万美元})")
    amount = raw["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int | float | str):
        raise AmountError(f"`amount` must be a number, got {shown(amount)}")
    if isinstance(amount, str):
        value = _decimal(amount.strip())
    else:
        value = Decimal(amount) if isinstance(amount, int) else Decimal(repr(amount))
    unit_parts = [raw.get("unit", ""), raw.get("currency", "")]
    if not all(isinstance(part, str) for part in unit_parts):
        raise AmountError("`unit` and `currency` are text (e.g. 万美元, USD)")
    unit = "".join(unit_parts)
    match = _UNIT.match(unit)
    if not match:
        raise AmountError(f"unknown unit {shown(unit)}; expected 元, 万元, 亿元, 美元, 万美元, CNY or USD")
    currency = _CURRENCY_WORDS[_canonical_word(match["cur"])] if match["cur"] else default_currency
    if not value.is_finite():
        raise AmountError(f"`amount` {value} is not a finite number")
    return _checked(_scaled(value, match["scale"] or ""), currency, signed)


def parse_count(raw: object) -> int:
    """Read a non-negative whole number (``5000``, ``"5,000"``, ``"1.2万"``)."""
    if isinstance(raw, bool):
        raise AmountError(f"expected a whole number, got {raw!r}")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, str) and (m := re.fullmatch(r"\s*(-?\d[\d,]*(?:\.[\d,]+)?)\s*([千万亿])?\s*", raw)):
        value = _scaled(_decimal(m[1]), m[2] or "")
    else:
        raise AmountError(f"expected a whole number such as 5 or 5000, got {shown(raw)}")
    if value < 0:
        raise AmountError(f"negative count {shown(raw)}")
    if value > COUNT_LIMIT:
        raise AmountError(f"{shown(raw)} is beyond the largest count accepted ({COUNT_LIMIT:,})")
    if value != value.to_integral_value():
        raise AmountError(f"{shown(raw)} is not a whole number")
    return int(value)
