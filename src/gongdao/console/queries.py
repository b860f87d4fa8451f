"""Reads for the consoles, always scoped to the viewer through parties.permissions.visible_cases:
the merchant queue and its counts, the agent queues, what the review page shows side by side,
and the admin overview. Each list is a fixed number of queries, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.models import Case, CaseEvent, Deadline
from gongdao.console.models import CannedReply, ShopCaseView
from gongdao.errors import NotFound
from gongdao.parties import permissions
from gongdao.parties.models import Shop, User

OPEN = ~Q(status__in=codes.ENDED_STATUSES)
PLATFORM_STATUSES = tuple(s for s, stage in codes.STAGE_OF_STATUS.items() if stage == 3)
AGENT_ROLES = ("agent", "senior_agent")
DUE_SOON = timedelta(hours=24)
PAGE_SIZE = 50


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end of the day ``now`` falls on, in the site's zone (Asia/Shanghai by default)."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


# ---- merchant queue -----------------------------------------------------------------------


def shop_cases(user: Any) -> QuerySet:
    """The shop's filed cases (drafts are the consumer's own until filed), each marked ``seen``
    when someone of the shop opened it in the console since it last came to the shop."""
    seen = ShopCaseView.objects.filter(
        shop_id=user.shop_id, case=OuterRef("pk"), viewed_at__gte=OuterRef("status_since")
    )
    return permissions.visible_cases(user).exclude(status="draft").annotate(seen=Exists(seen))


def merchant_q(bucket: str, now: datetime) -> Q:
    """The counted groups of the merchant queue.

    new: waiting for the shop's answer (awaiting_merchant) and not opened by anyone of the shop in
    the console since it arrived (filed, or sent back revised). due_today: waiting for the shop,
    deadline later today (China time) and not yet passed. overdue: waiting for the shop and the
    deadline has passed (the worker acts on it shortly)."""
    if bucket == "new":
        return Q(status="awaiting_merchant", seen=False)
    if bucket == "due_today":
        _start, end = today_bounds(now)
        return Q(next_actor="merchant", due_at__gte=now, due_at__lt=end) & OPEN
    if bucket == "overdue":
        return Q(next_actor="merchant", due_at__lt=now) & OPEN
    if bucket == "your_move":
        return Q(next_actor="merchant") & OPEN
    raise ValueError(bucket)


def merchant_counts(user: Any, now: datetime) -> dict[str, int]:
    buckets = ("new", "due_today", "overdue", "your_move")
    counts = shop_cases(user).aggregate(
        open=Count("pk", filter=OPEN), **{b: Count("pk", filter=merchant_q(b, now)) for b in buckets}
    )
    return {k: v or 0 for k, v in counts.items()}


def merchant_queue(user: Any, filters: dict[str, str], now: datetime) -> QuerySet:
    qs = shop_cases(user).select_related("order")
    status = filters.get("status") or "open"
    if status == "open":
        qs = qs.filter(OPEN)
    elif status != "all":
        qs = qs.filter(status=status)
    if filters.get("issue"):
        qs = qs.filter(issue=filters["issue"])
    if filters.get("due"):
        qs = qs.filter(merchant_q(filters["due"], now))
    return qs.order_by(F("due_at").asc(nulls_last=True), "filed_at", "pk")


def canned_replies(user: Any) -> QuerySet:
    if not permissions.is_merchant(user):
        return CannedReply.objects.none()
    return CannedReply.objects.filter(shop_id=user.shop_id)


def canned_reply(user: Any, pk: int) -> CannedReply:
    reply = canned_replies(user).filter(pk=pk).first()
    if reply is None:
        raise NotFound("reply_not_found", _("No such canned reply."))
    return reply


def shop_members(user: Any) -> QuerySet:
    return (
        User.objects.filter(shop_id=user.shop_id, role__in=permissions.MERCHANT_ROLES)
        .select_related("profile")
        .order_by("-is_active", "username")
    )


def shop_member(user: Any, public_id: str) -> User:
    member = shop_members(user).filter(public_id=public_id).first()
    if member is None:
        raise NotFound("user_not_found", _("No such member of your shop."))
    return member


# ---- agent workbench ----------------------------------------------------------------------

QUEUES = ("unassigned", "mine", "due_soon", "appeals")


def _soon(now: datetime) -> Exists:
    return Exists(Deadline.objects.filter(case=OuterRef("pk"), state="pending", due_at__lte=now + DUE_SOON))


def _next_deadline(column: str) -> Subquery:
    rows = Deadline.objects.filter(case=OuterRef("pk"), state="pending").order_by("due_at", "pk")
    return Subquery(rows.values(column)[:1])


def agent_q(queue: str, user: Any) -> Q:
    """unassigned: escalations no agent has taken. mine: open cases assigned to me. due_soon: cases
    at the platform stage with a pending deadline within 24 hours (or already past). appeals:
    appealed cases (only a senior agent other than the one who decided may take them)."""
    if queue == "unassigned":
        return Q(status="escalated", assignee__isnull=True)
    if queue == "mine":
        return Q(assignee_id=user.id) & OPEN
    if queue == "due_soon":
        return Q(status__in=PLATFORM_STATUSES, soon=True)
    if queue == "appeals":
        return Q(status="appealed")
    raise ValueError(queue)


def agent_counts(user: Any, now: datetime) -> dict[str, int]:
    qs = permissions.visible_cases(user).annotate(soon=_soon(now))
    counts = qs.aggregate(**{q: Count("pk", filter=agent_q(q, user)) for q in QUEUES})
    return {k: v or 0 for k, v in counts.items()}


def agent_queue(user: Any, queue: str, now: datetime) -> QuerySet:
    qs = (
        permissions.visible_cases(user)
        .annotate(soon=_soon(now), next_due_at=_next_deadline("due_at"), next_due_kind=_next_deadline("kind"))
        .filter(agent_q(queue, user))
        .select_related("shop", "assignee", "decided_by", "outside_merchant")
    )
    if queue == "due_soon":
        return qs.order_by("next_due_at", "pk")
    return qs.order_by(F("due_at").asc(nulls_last=True), "status_since", "pk")


def agents(*, seniors_only: bool = False) -> QuerySet:
    roles = ("senior_agent",) if seniors_only else AGENT_ROLES
    return User.objects.filter(role__in=roles, is_active=True).select_related("profile").order_by("username")


def assignable(case: Case, everyone: list[User]) -> list[User]:
    """Whom this case may be given to: an appeal only to a senior agent who did not decide it."""
    if case.status == "appealed":
        return [u for u in everyone if u.role == "senior_agent" and u.pk != case.decided_by_id]
    return list(everyone)


# ---- the review page ----------------------------------------------------------------------

CONSUMER_ROLES = ("consumer", "association_staff")
MERCHANT_ROLES = (*permissions.MERCHANT_ROLES, "merchant_guest")
TEXT_KEYS = ("statement", "text", "reason", "message")


@dataclass
class Statement:
    event: CaseEvent
    text: str


def side_of_role(role: str) -> str:
    if role in CONSUMER_ROLES:
        return "consumer"
    if role in MERCHANT_ROLES:
        return "merchant"
    return "platform"


def statements(events: list[CaseEvent]) -> dict[str, list[Statement]]:
    """What each party said, in order: the complaint, messages, reasons, offers, appeals."""
    result: dict[str, list[Statement]] = {"consumer": [], "merchant": []}
    for event in events:
        side = side_of_role(event.actor_role)
        if side not in result or not event.payload or event.visibility != "all_parties":
            continue
        text = next((event.payload[k] for k in TEXT_KEYS if event.payload.get(k)), "")
        if isinstance(text, str) and text.strip():
            result[side].append(Statement(event, text))
    return result


@dataclass
class EvidenceView:
    item: Any
    media: str  # image, video, pdf, text, file
    url: str = ""
    thumbnail_url: str = ""
    flags: list[Any] = field(default_factory=list)


def _media(content_type: str) -> str:
    if content_type.startswith("image/"):
        return "image"
    if content_type.startswith("video/"):
        return "video"
    if content_type == "application/pdf":
        return "pdf"
    if content_type.startswith("text/"):
        return "text"
    return "file"


def evidence_by_side(case: Case, actor: Any) -> dict[str, list[EvidenceView]]:
    """The case's evidence as this viewer may see it (reuse flags for the platform only), with
    the serving URLs of the evidence app, grouped by the side that added it."""
    from gongdao.evidence import queries as evidence_queries

    result: dict[str, list[EvidenceView]] = {"consumer": [], "merchant": [], "platform": []}
    for item in evidence_queries.items_for(case, actor):
        links = evidence_queries.links(item)
        view = EvidenceView(
            item,
            _media(item.content_type),
            links["content"],
            links["thumbnail"],
            list(getattr(item, "flags", [])),
        )
        result.get(item.side, result["platform"]).append(view)
    return result


@dataclass(frozen=True)
class RuleOption:
    id: str
    title: str
    text: str


def _localised(value: Any) -> str:
    if isinstance(value, dict):
        language = (translation.get_language() or "zh-hans").lower()
        keys = ("zh", "zh-hans", "zh_hans") if language.startswith("zh") else ("en",)
        for key in (*keys, "zh", "en"):
            if value.get(key):
                return str(value[key])
        return next((str(v) for v in value.values() if v), "")
    return "" if value is None else str(value)


def _field(rule: Any, name: str) -> Any:
    if isinstance(rule, dict):
        return rule.get(name)
    language = (translation.get_language() or "zh-hans").lower()
    suffix = "zh" if language.startswith("zh") else "en"
    return getattr(rule, f"{name}_{suffix}", None) or getattr(rule, name, None)


def rule_options(policy: Any) -> list[RuleOption]:
    """The policy's rule catalogue, whatever its exact shape (a list or a mapping of rules, each
    a mapping or an object with id, title and text, plain or per language)."""
    rules = getattr(policy, "rules", None) or []
    if isinstance(rules, dict):
        items = [(key, rule) for key, rule in rules.items()]
    else:
        items = [(None, rule) for rule in rules]
    options = []
    for key, rule in items:
        rule_id = _field(rule, "id") or key
        if not rule_id:
            continue
        options.append(
            RuleOption(str(rule_id), _localised(_field(rule, "title")), _localised(_field(rule, "text")))
        )
    return options


# ---- admin overview -----------------------------------------------------------------------


def overview(user: Any, now: datetime) -> dict[str, Any]:
    qs = permissions.visible_cases(user)
    open_qs = qs.filter(OPEN)
    by_status = dict(open_qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_stage = dict(open_qs.values_list("stage").annotate(n=Count("pk")).order_by())
    overdue = dict(
        open_qs.filter(due_at__lt=now).values_list("next_actor").annotate(n=Count("pk")).order_by()
    )
    totals = qs.aggregate(
        open=Count("pk", filter=OPEN),
        overdue=Count("pk", filter=OPEN & Q(due_at__lt=now)),
        self_help=Count("pk", filter=OPEN & Q(mode="self_help")),
        total=Count("pk"),
    )
    stuck = Deadline.objects.filter(state="pending", due_at__lt=now - timedelta(minutes=5)).count()
    return {
        "by_status": [
            (s, label, by_status.get(s, 0))
            for s, label in codes.STATUSES.items()
            if s not in codes.ENDED_STATUSES
        ],
        "by_stage": [(n, label, by_stage.get(n, 0)) for n, (_code, label) in codes.STAGES.items()],
        "overdue": [(who, overdue.get(who, 0)) for who in ("consumer", "merchant", "platform")],
        "totals": totals,
        "stuck_deadlines": stuck,
    }


def shops_overview(now: datetime) -> QuerySet:
    open_ = ~Q(cases__status__in=codes.ENDED_STATUSES)
    return Shop.objects.annotate(
        open=Count("cases", filter=open_),
        overdue=Count("cases", filter=open_ & Q(cases__due_at__lt=now)),
        total=Count("cases"),
    ).order_by("-open", "-total", "name", "pk")


def agent_list() -> QuerySet:
    return (
        User.objects.filter(role__in=AGENT_ROLES)
        .select_related("profile")
        .annotate(
            open_cases=Count("assigned_cases", filter=~Q(assigned_cases__status__in=codes.ENDED_STATUSES))
        )
        .order_by("-is_active", "username")
    )


def agent_user(public_id: str) -> User:
    agent = User.objects.filter(role__in=AGENT_ROLES, public_id=public_id).first()
    if agent is None:
        raise NotFound("user_not_found", _("No such agent."))
    return agent
