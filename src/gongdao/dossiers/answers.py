"""What the consumer tells a dossier that the case record does not hold: whether another body
already took the dispute and — for an internet court — the delivery city and the defendant's
domicile; and the claims the law advisor needs (fraud, unsafe food, losses, the kind of goods, when
the problem was found). Those claims are the case's law facts (gongdao.law.casefacts): saving a
dossier records them on the case (``law_facts_recorded``), and an ``Answers`` that carries one
(``LAW_FIELDS`` not None) adds it as the consumer's claim for that dossier only. Everything the
consumer says is marked in the document as their claim."""

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
# The answers that are law facts: None means "not said here" (the case's own facts apply).
LAW_FIELDS = (
    "problem_found_on",
    "category",
    "fraud",
    "food_unsafe",
    "label_flaw_only",
    "injury",
    "seller_knew",
    "loss_fen",
)


@dataclass(frozen=True)
class Answers:
    problem_found_on: date | None = None
    category: str | None = None
    fraud: bool | None = None
    food_unsafe: bool | None = None
    label_flaw_only: bool | None = None
    injury: bool | None = None
    seller_knew: bool | None = None
    loss_fen: int | None = None
    other_body: bool = False  # a court, arbitration body or other body already took the dispute
    delivery_city: str = ""
    defendant_domicile: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problem_found_on"] = self.problem_found_on.isoformat() if self.problem_found_on else None
        return data


FIELDS = tuple(f.name for f in fields(Answers))


def law_claims(answers: Answers) -> dict[str, Any]:
    """The law facts these answers state, as the questionnaire's JSON values."""
    out: dict[str, Any] = {}
    for name in LAW_FIELDS:
        value = getattr(answers, name)
        if value is not None:
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def without_law(answers: Answers) -> Answers:
    """Only what belongs to the dossier itself (the law facts are the case's)."""
    return Answers(
        other_body=answers.other_body,
        delivery_city=answers.delivery_city,
        defendant_domicile=answers.defendant_domicile,
    )


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
