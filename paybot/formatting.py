"""Formatting of values shown to customers."""

from __future__ import annotations


def format_won(amount: int) -> str:
    """Formats an amount of won the way Korean apps show it: 30000 -> '30,000원'."""
    return f"{int(amount):,}원"
