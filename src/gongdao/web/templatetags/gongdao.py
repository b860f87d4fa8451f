"""Template helpers shared by every page (the console app uses them too): money, times in the
viewer's zone, code labels, status badges with icon and text, countdowns, optional links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from gongdao import codes
from gongdao.display import local_time
from gongdao.money import format_fen
from gongdao.web import labels

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    return "" if value is None else format_fen(value)


@register.filter
def yuan(value: int | None) -> str:
    """Fen as a plain yuan amount for an input's value: 1230 → "12.30"."""
    if value is None or value == "":
        return ""
    sign = "-" if int(value) < 0 else ""
    whole, cents = divmod(abs(int(value)), 100)
    return f"{sign}{whole}.{cents:02d}"


@register.filter
def when(moment: datetime | None) -> str:
    """An absolute time in the viewer's zone, with the zone named: 2026-05-01 14:30 (Asia/Shanghai)."""
    return local_time(moment)


@register.filter
def status_label(code: str) -> Any:
    return codes.STATUSES.get(code, code)


@register.filter
def issue_label(code: str) -> Any:
    return codes.ISSUE_TYPES.get(code, code)


@register.filter
def remedy_label(code: str) -> Any:
    return codes.REMEDIES.get(code, code)


@register.filter
def outcome_label(code: str) -> Any:
    return codes.OUTCOMES.get(code, code)


@register.filter
def kind_label(code: str) -> Any:
    return codes.EVIDENCE_KINDS.get(code, code)


@register.filter
def role_label(code: str) -> Any:
    return labels.ACTOR_ROLES.get(code, codes.ROLES.get(code, code))


@register.filter
def party_label(code: str) -> Any:
    return labels.PARTIES.get(code, code)


@register.filter
def action_label(code: str) -> Any:
    return labels.ACTIONS.get(code, code)


@register.filter
def event_label(code: str) -> Any:
    return labels.EVENTS.get(code, labels.ACTIONS.get(code, code))


@register.filter
def stage_label(number: int) -> Any:
    return codes.STAGES.get(number, ("", ""))[1]


@register.inclusion_tag("gongdao/_status.html")
def status_badge(code: str) -> dict[str, Any]:
    tone, icon = labels.STATUS_TONES.get(code, ("neutral", "•"))
    return {"code": code, "label": codes.STATUSES.get(code, code), "tone": tone, "icon": icon}


def _units() -> dict[str, str]:
    zh = (get_language() or "").startswith("zh")
    return {
        "d": pgettext("days, short", "d"),
        "h": pgettext("hours, short", "h"),
        "m": pgettext("minutes, short", "min"),
        "sep": "" if zh else " ",
        "left": _("%(span)s left"),
        "overdue": _("overdue by %(span)s"),
    }


def remaining_text(due: datetime, now: datetime | None = None) -> str:
    """ "2 d 3 h left" / "overdue by 5 min" in the active language (site.js keeps it current)."""
    units = _units()
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days}{units['sep']}{units['d']}")
    if hours or days:
        parts.append(f"{hours}{units['sep']}{units['h']}")
    if not days:
        parts.append(f"{minutes}{units['sep']}{units['m']}")
    span = " ".join(parts)
    return (units["overdue"] if overdue else units["left"]) % {"span": span}


@register.inclusion_tag("gongdao/_countdown.html")
def countdown(due: datetime | None) -> dict[str, Any]:
    if due is None:
        return {"due": None}
    return {
        "due": due,
        "iso": due.isoformat(),
        "text": remaining_text(due),
        "absolute": local_time(due),
        "overdue": due < timezone.now(),
        "units": _units(),
    }


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """The URL of a view another app provides, or "" when that app is not installed yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def widget(bound_field: Any, **attrs: Any) -> str:
    """A form field's input with its hint and error tied to it for screen readers."""
    attrs = {key: value for key, value in attrs.items() if value not in ("", None)}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
        attrs["aria-invalid"] = "true"
        attrs["class"] = (attrs.get("class", "") + " invalid").strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def amount_error(field_errors: dict[str, Any], line_no: int) -> Any:
    return (field_errors or {}).get(f"amount-{line_no}", "")


@register.filter
def step_label(code: str) -> Any:
    return labels.STEPS.get(code, code)


@register.filter
def deadline_label(code: str) -> Any:
    return labels.DEADLINES.get(code, code)


@register.filter
def seller(record: Any) -> str:
    """The shop of an order or case: a platform shop, or an outside merchant known by name."""
    shop = getattr(record, "shop", None)
    if shop is not None:
        return shop.name
    outside = getattr(record, "outside_shop", None) or getattr(record, "outside_merchant", None)
    return outside.name if outside is not None else ""


# ---- when a step happened, apart from when it was recorded (self-help mode) ------------------


def _shown_time(moment: datetime) -> str:
    """A step given as a bare day is stored at noon China time: show the day alone then."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute, local.second, local.microsecond) == (12, 0, 0, 0):
        return f"{local:%Y-%m-%d}"
    return local_time(moment)


@register.inclusion_tag("gongdao/_event_time.html")
def event_time(event: Any) -> dict[str, Any]:
    """The event's time: for a step recorded after the fact, "happened on …" and "recorded …"."""
    occurred, recorded = getattr(event, "occurred_at", None), event.recorded_at
    apart = occurred is not None and abs((occurred - recorded).total_seconds()) > 60
    return {
        "recorded": recorded,
        "recorded_text": local_time(recorded),
        "occurred": occurred,
        "occurred_text": _shown_time(occurred) if apart else "",
        "apart": apart,
    }


@register.simple_tag
def event_detail(event: Any) -> str:
    """What a recorded outside step was: "refused · Phone", "The platform decided: Merchant upheld"."""
    from gongdao.selfhelp.effects import CHANNELS, PLATFORM_STEPS, REPLIES

    payload = event.payload or {}
    parts: list[str] = []
    if event.type == "record_merchant_reply" and payload.get("reply") in REPLIES:
        parts.append(str(REPLIES[payload["reply"]]))
    elif event.type == "record_platform_step" and payload.get("step") in PLATFORM_STEPS:
        step = str(PLATFORM_STEPS[payload["step"]])
        if payload.get("outcome") in codes.OUTCOMES:
            step = _("%(step)s: %(outcome)s") % {"step": step, "outcome": codes.OUTCOMES[payload["outcome"]]}
        parts.append(step)
        if payload.get("reference"):
            parts.append(_("reference %(ref)s") % {"ref": payload["reference"]})
    elif event.type == "deadline.passed" and payload.get("deadline"):
        parts.append(str(labels.DEADLINES.get(payload["deadline"], payload["deadline"])))
    elif event.type == "submit" and "channel" in payload:
        parts.append(str(_("asked the merchant")))
    channel = payload.get("channel")
    if channel in CHANNELS and event.type in ("submit", "record_merchant_reply", "record_platform_step"):
        parts.append(str(CHANNELS[channel]))
    return " · ".join(parts)
