"""Categories of notices and the channels they go through.

Every notice falls into one category. Three are mandatory and cannot be switched off, because
missing them costs someone a right or a case: a deadline running against you (``your_move``), a
decision or appeal (``decisions``), and — for senior agents — an overdue platform step
(``sla_alerts``). The others are optional per channel, by each user's preference, with platform
defaults an admin sets (``notify.DefaultPreference``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "your_move": _("Your move: a deadline runs against you"),
    "decisions": _("Decisions and appeals"),
    "sla_alerts": _("Overdue platform steps (senior agents)"),
    "updates": _("Progress on your cases"),
    "messages": _("New messages"),
    "evidence": _("New evidence"),
}
MANDATORY = frozenset({"your_move", "decisions", "sla_alerts"})
OPTIONAL = tuple(c for c in CATEGORIES if c not in MANDATORY)

CHANNELS = {
    "in_app": _("Inbox and the platform's app"),
    "email": _("Email"),
}

# The category of each outbox event type before "your move" promotion (see audience.categorize).
TYPE_CATEGORY = {
    "case.filed": "updates",
    "case.status_changed": "updates",
    "case.message_added": "messages",
    "case.evidence_added": "evidence",
    "case.escalated": "updates",
    "case.decided": "decisions",
    "case.appealed": "decisions",
    "case.closed": "updates",
    "deadline.reminder": "your_move",
    "deadline.expired": "your_move",
    "refund.requested": "updates",
}
# Types whose notice becomes "your move" when the recipient must act next.
PROMOTABLE = frozenset({"case.filed", "case.status_changed", "case.escalated", "refund.requested"})
# Types that say less than another row of the same event, least specific first: a person who
# also gets a more specific row of that event (e.g. ``case.decided``, which names the refund to
# pay) does not get these, so one action is one notice to each person.
GENERIC = ("case.status_changed", "case.closed", "refund.requested")
# Types no person is told about (they are for webhooks only).
NOT_FOR_PEOPLE = frozenset({"notification.created"})


def is_mandatory(category: str) -> bool:
    return category in MANDATORY


def roles_for(category: str) -> tuple[str, ...] | None:
    """Roles a category concerns (None: everyone); the preferences page shows only these."""
    if category == "sla_alerts":
        return ("senior_agent",)
    return None
