"""Formatting at the edges: times in the viewer's zone, money as ¥12.30."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from gongdao.money import format_fen


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"


def money(fen: int | None) -> str:
    return "" if fen is None else format_fen(fen)
