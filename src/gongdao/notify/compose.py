"""Turning a notice's facts into sentences in the reader's language: what happened, what to do
and by when (an absolute time in the platform's zone), with a link to the case; and emails made
of one or more notices, plain text and HTML, from the templates in notify/templates/notify/email/.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongdao import codes
from gongdao.display import local_time
from gongdao.money import format_fen
from gongdao.notify import unsubscribe, wording
from gongdao.notify.categories import CATEGORIES, is_mandatory
from gongdao.notify.models import Notification


def language_of(user: Any) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    language = (getattr(user, "language", "") or "").lower()
    return language if language in available else settings.LANGUAGE_CODE


@contextmanager
def reader_locale(user: Any) -> Iterator[None]:
    """The reader's language and the platform's time zone, for everything rendered inside."""
    with translation.override(language_of(user)), timezone.override(settings.TIME_ZONE):
        yield


@dataclass(frozen=True)
class NoticeText:
    id: str
    case: str
    title: str
    happened: str
    todo: str
    due: str  # an absolute time with its zone, or ""
    your_move: bool
    url: str  # absolute, for emails
    path: str  # relative, for pages
    category: str
    created: str


def case_path(case_id: str) -> str:
    try:
        return reverse("web:case", args=[case_id])
    except NoReverseMatch:
        return f"/cases/{case_id}/"


def _time(value: Any) -> str:
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return local_time(moment)


def _duration(seconds: int) -> str:
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hours = max(1, round(seconds / 3600))
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _deadline_label(data: dict[str, Any]) -> str:
    kind = data.get("deadline", "")
    return str(wording.DEADLINE_LABELS.get(kind) or wording.OUTSIDE_DEADLINE_LABELS.get(kind, kind))


def _webhook_disabled(notice: Notification) -> dict[str, str]:
    """What a ``webhook.disabled`` notice says (an endpoint, not a case): see wording.py."""
    data = notice.data
    cause = data.get("cause") or ("failing" if data.get("failing_since") else "owner")
    values = {
        "endpoint": data.get("endpoint", ""),
        "url": data.get("url", ""),
        "since": _time(data.get("failing_since")),
        "when": _time(data.get("disabled_at")),
    }
    return {
        "title": str(wording.WEBHOOK_DISABLED_TITLE) % values,
        "happened": str(wording.WEBHOOK_DISABLED_HAPPENED[cause]) % values,
        "todo": str(wording.WEBHOOK_DISABLED_TODO[cause]) % values,
    }


def title(notice: Notification) -> str:
    if notice.type == "webhook.disabled":
        return _webhook_disabled(notice)["title"]
    data, case = notice.data, notice.data.get("case", "")
    values = {"case": case}
    if notice.type == "case.filed":
        return _("New complaint about your shop: %(case)s") % values
    if notice.type == "case.status_changed":
        return _("Case %(case)s: %(status)s") % {
            **values,
            "status": codes.STATUSES.get(data.get("to") or data.get("status", ""), ""),
        }
    if notice.type == "case.decided":
        outcome = codes.OUTCOMES.get(data.get("outcome", ""), "")
        return _("Decision on case %(case)s: %(outcome)s") % {**values, "outcome": outcome}
    if notice.type == "deadline.reminder":
        return _("Reminder: %(deadline)s on case %(case)s is due %(due)s") % {
            **values,
            "deadline": _deadline_label(data),
            "due": _time(data.get("deadline_due_at")),
        }
    if notice.type == "deadline.expired":
        return _("Overdue: %(deadline)s on case %(case)s") % {**values, "deadline": _deadline_label(data)}
    if notice.type == "refund.requested":
        amount = format_fen(data["amount_fen"]) if data.get("amount_fen") is not None else ""
        return _("Refund due on case %(case)s: %(amount)s") % {**values, "amount": amount}
    simple = {
        "case.message_added": _("New message on case %(case)s"),
        "case.evidence_added": _("New evidence on case %(case)s"),
        "case.escalated": _("Case %(case)s went to the platform"),
        "case.appealed": _("Case %(case)s has been appealed"),
        "case.closed": _("Case %(case)s has ended"),
    }
    return str(simple.get(notice.type, _("Update on case %(case)s"))) % values


def happened(notice: Notification) -> str:
    if notice.type == "webhook.disabled":
        return _webhook_disabled(notice)["happened"]
    data = notice.data
    who = str(wording.WHO.get(data.get("actor_role", ""), _("Someone")))
    if notice.type == "case.message_added":
        return _("%(who)s sent a message.") % {"who": who}
    if notice.type == "case.evidence_added":
        return _("%(who)s added evidence.") % {"who": who}
    if notice.type == "deadline.reminder":
        return _("%(deadline)s is due in %(left)s, at %(due)s.") % {
            "deadline": _deadline_label(data),
            "left": _duration(int(data.get("offset_seconds", 0))),
            "due": _time(data.get("deadline_due_at")),
        }
    if notice.type == "deadline.expired":
        return _("%(deadline)s ran out and the step has not been taken.") % {
            "deadline": _deadline_label(data)
        }
    action = data.get("action", "")
    if data.get("actor_role") == "system" and action in wording.SYSTEM_HAPPENED:
        return str(wording.SYSTEM_HAPPENED[action])
    if action == "appeal" and data.get("by") == "consumer":
        return _("The consumer appealed the decision.")
    if action == "appeal" and data.get("by") == "merchant":
        return _("The merchant appealed the decision.")
    sentence = str(wording.HAPPENED.get(action, ""))
    if notice.type == "refund.requested" and data.get("amount_fen") is not None:
        sentence = (sentence + " " if sentence else "") + _("A refund of %(amount)s is due.") % {
            "amount": format_fen(data["amount_fen"])
        }
    return sentence or _("The case changed.")


def todo(notice: Notification) -> tuple[str, str]:
    """What the reader should do, and by when ("" when there is no time limit)."""
    if notice.type == "webhook.disabled":
        return _webhook_disabled(notice)["todo"], ""
    data = notice.data
    kind = data.get("deadline", "")
    if notice.type == "deadline.reminder":
        consequence = wording.CONSEQUENCE.get(data.get("on_expiry", ""), "")
        todo = wording.DEADLINE_TODO.get(kind) or wording.OUTSIDE_DEADLINE_TODO.get(kind, "")
        sentence = " ".join(str(s) for s in (todo, consequence) if s)
        return sentence or _("Open the case to see what you can do."), _time(data.get("deadline_due_at"))
    if notice.type == "deadline.expired" and kind in wording.SLA_TODO:
        return str(wording.SLA_TODO[kind]), ""
    side, status, due = data.get("side", ""), data.get("status", ""), _time(data.get("due_at"))
    if data.get("your_move"):
        step = data.get("step", "")
        if status in ("fulfilling", "decided") and step in wording.STEP_TODO:
            return str(wording.STEP_TODO[step]), due
        status_todo = wording.STATUS_TODO.get((status, side))
        if status_todo is None:
            return _("It is your move. Open the case to see what you can do."), due
        return str(status_todo), due
    if (status, side) == ("escalated", "agent"):
        return str(wording.STATUS_TODO[("escalated", "agent")]), due
    party = wording.PARTIES.get(data.get("next_actor", ""))
    if party and due:
        return _("Nothing is needed from you now; waiting for %(party)s until %(due)s.") % {
            "party": party,
            "due": due,
        }, ""
    if status in codes.ENDED_STATUSES:
        return _("Nothing is needed from you. The case stays available to read."), ""
    return _("Nothing is needed from you now."), ""


def acting_for(notice: Notification) -> str:
    """The name of the consumer an association staff member acts for ("" otherwise)."""
    from gongdao.parties.models import User

    public_id = notice.data.get("acting_for")
    if not public_id:
        return ""
    consumer = User.objects.filter(public_id=public_id).select_related("profile").first()
    return consumer.display_name if consumer is not None else public_id


def describe(notice: Notification) -> NoticeText:
    """Call inside ``reader_locale`` (or a request in the reader's language)."""
    case = notice.data.get("case", "")
    path = case_path(case) if case else reverse("notify:inbox")
    what, when = todo(notice)
    heading, sentence = title(notice), happened(notice)
    principal = acting_for(notice)
    if principal:
        heading = _("For %(consumer)s: %(title)s") % {"consumer": principal, "title": heading}
        sentence += " " + _(
            "You receive this because you act for %(consumer)s on this case under their power of attorney."
        ) % {"consumer": principal}
    return NoticeText(
        id=notice.public_id,
        case=case,
        title=heading,
        happened=sentence,
        todo=what,
        due=when,
        your_move=bool(notice.data.get("your_move")) or notice.type == "deadline.reminder",
        url=settings.BASE_URL + path,
        path=path,
        category=notice.category,
        created=local_time(notice.created_at),
    )


# ---- emails ------------------------------------------------------------------------------


def _sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def _subject(items: list[NoticeText]) -> str:
    if len(items) == 1:
        return _("[Gongdao] %(title)s") % {"title": items[0].title}
    cases = sorted({item.case for item in items if item.case})
    return ngettext(
        "[Gongdao] %(count)d updates on case %(cases)s",
        "[Gongdao] %(count)d updates on cases %(cases)s",
        len(cases),
    ) % {"count": len(items), "cases": ", ".join(cases)}


def notices_email(user: Any, to: str, notices: list[Notification]) -> EmailMultiAlternatives:
    """One email with these notices, in the reader's language."""
    guest = user.role == "merchant_guest"
    with reader_locale(user):
        items = [describe(n) for n in notices]
        if guest:
            items = _through_invitations(user, items)
        optional = sorted({n.category for n in notices if not is_mandatory(n.category)})
        context = {
            "name": user.display_name,
            "items": items,
            "unsubscribe": [(CATEGORIES[c], unsubscribe.url(user, [c])) for c in optional],
            "has_mandatory": any(is_mandatory(n.category) for n in notices),
            # A merchant's guest has no login: their invitation link is their way in.
            "preferences_url": "" if guest else settings.BASE_URL + reverse("notify:preferences"),
            "inbox_url": "" if guest else settings.BASE_URL + reverse("notify:inbox"),
            "language": language_of(user),
        }
        subject = _subject(items)
        text = render_to_string("notify/email/notices.txt", context)
        html = render_to_string("notify/email/notices.html", context)
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": make_msgid(domain=_sender_domain())}
    if optional:
        headers["List-Unsubscribe"] = f"<{unsubscribe.url(user, optional)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _through_invitations(guest: Any, items: list[NoticeText]) -> list[NoticeText]:
    """A guest's notices link to their invitation (it signs them in to the case while it works)."""
    from gongdao.selfhelp import invitations

    links = {i.case.public_id: invitations.link_url(i) for i in invitations.active_for_guest(guest)}
    return [dataclasses.replace(item, url=links[item.case]) if item.case in links else item for item in items]


def test_email(to: str) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        context = {"base_url": settings.BASE_URL, "sent_at": local_time(timezone.now())}
        subject = _("[Gongdao] Test email")
        text = render_to_string("notify/email/test.txt", context)
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": make_msgid(domain=_sender_domain())}
    return EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
