"""Reads about orders."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum


def refundable(order_line: Any) -> int:
    """What may still be refunded on an order line: what was paid minus what cases refunded."""
    refunded = order_line.case_lines.aggregate(total=Sum("refunded_fen"))["total"] or 0
    return order_line.paid_fen - refunded
