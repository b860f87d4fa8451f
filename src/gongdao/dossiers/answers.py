"""What the consumer tells a dossier that the case record does not hold: claims the law advisor
needs (fraud, unsafe food, losses, the kind of goods, when the problem was found), whether another
body already took the dispute, and — for an internet court — the delivery city and the
defendant's domicile. Everything here is marked in the document as the consumer's claim."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongdao.errors import InvalidInput
from gongdao.law.facts import CATEGORIES

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT_LIMITS = {"delivery_city": 100, "defendant_domicile": 300}
FLAGS = ("fraud", "food_unsafe", "label_flaw_only", "injury", "seller_knew", "other_body")


@dataclass(frozen=True)
class Answers:
    problem_found_on: date | None = None
    category: str = "general"
    fraud: bool = False
    food_unsafe: bool = False
    label_flaw_only: bool = False
    injury: bool = False
    seller_knew: bool = False
    loss_fen: int = 0
    other_body: bool = False  # a court, arbitration body or other body already took the dispute
    delivery_city: str = ""
    defendant_domicile: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problem_found_on"] = self.problem_found_on.isoformat() if self.problem_found_on else None
        return data


FIELDS = tuple(f.name for f in fields(Answers))


def parse(data: Any, *, today: date | None = None) -> Answers:
    """Validate decoded answers (unknown keys refused, each error naming its field)."""
    if data is None:
        return Answers()
    if not isinstance(data, dict):
        raise InvalidInput("invalid_answers", _("Answers must be an object."), field="answers")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InvalidInput(
            "unknown_answer", _("There is no question %(name)s.") % {"name": unknown[0]}, field=unknown[0]
        )
    values: dict[str, Any] = {}
    for name in FLAGS:
        if name in data and data[name] is not None:
            if not isinstance(data[name], bool):
                raise InvalidInput("invalid_answer", _("Answer yes or no."), field=name)
            values[name] = data[name]
    if data.get("category") is not None:
        if data["category"] not in CATEGORIES:
            raise InvalidInput(
                "invalid_answer", _("Choose one of the kinds of goods offered."), field="category"
            )
        values["category"] = data["category"]
    if data.get("loss_fen") is not None:
        loss = data["loss_fen"]
        if isinstance(loss, bool) or not isinstance(loss, int) or loss < 0:
            raise InvalidInput(
                "invalid_amount", _("Enter the loss as an amount of 0 or more."), field="loss_fen"
            )
        values["loss_fen"] = loss
    if data.get("problem_found_on") is not None:
        values["problem_found_on"] = _date(data["problem_found_on"], today)
    for name, limit in TEXT_LIMITS.items():
        raw = data.get(name)
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise InvalidInput("invalid_answer", _("Enter text."), field=name)
        text = " ".join(raw.split())
        if len(text) > limit:
            raise InvalidInput(
                "too_long", _("Keep this under %(limit)d characters.") % {"limit": limit}, field=name
            )
        values[name] = text
    return Answers(**values)


def _date(raw: Any, today: date | None) -> date:
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        raise InvalidInput("invalid_date", _("Enter a date like 2025-03-01."), field="problem_found_on")
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("invalid_date", _("That date does not exist."), field="problem_found_on")
    if today is not None and value > today:
        raise InvalidInput("future_date", _("The date cannot be in the future."), field="problem_found_on")
    return value
