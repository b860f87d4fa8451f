"""Money is integer fen. ``Fen`` formats as ¥12.30 and refuses floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class Fen(int):
    def __new__(cls, value: int) -> Fen:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"money must be integer fen, not {type(value).__name__}")
        return super().__new__(cls, value)

    def __str__(self) -> str:
        return format_fen(self)


def format_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """'12.3' → 1230 fen; refuses more than two decimals and non-numbers."""
    try:
        value = Decimal(text.strip().replace("¥", "").replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"at most two decimals: {text!r}")
    return int(fen)
