"""Whether a person wants a category of notice on a channel: mandatory categories always; else
their own choice, else the platform default an admin set, else on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongdao.notify.categories import CATEGORIES, CHANNELS, OPTIONAL, is_mandatory, roles_for
from gongdao.notify.models import DefaultPreference, Preference


def default(category: str, channel: str) -> bool:
    value = (
        DefaultPreference.objects.filter(category=category, channel=channel)
        .values_list("enabled", flat=True)
        .first()
    )
    return True if value is None else value


def wants(user: Any, category: str, channel: str) -> bool:
    if is_mandatory(category):
        return True
    value = (
        Preference.objects.filter(user=user, category=category, channel=channel)
        .values_list("enabled", flat=True)
        .first()
    )
    return default(category, channel) if value is None else value


@dataclass(frozen=True)
class Row:
    """One line of the preferences page."""

    category: str
    label: Any
    mandatory: bool
    channels: dict[str, bool]


def table(user: Any) -> list[Row]:
    own = {(p.category, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    defaults = {(d.category, d.channel): d.enabled for d in DefaultPreference.objects.all()}
    rows = []
    for category, label in CATEGORIES.items():
        roles = roles_for(category)
        if roles is not None and user.role not in roles:
            continue
        mandatory = is_mandatory(category)
        channels = {
            channel: mandatory or own.get((category, channel), defaults.get((category, channel), True))
            for channel in CHANNELS
        }
        rows.append(Row(category, label, mandatory, channels))
    return rows


def field_name(category: str, channel: str) -> str:
    return f"{channel}:{category}"


def optional_fields() -> list[tuple[str, str]]:
    return [(category, channel) for category in OPTIONAL for channel in CHANNELS]
