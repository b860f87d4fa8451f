"""The consumer's self-help pages (issue #10): where a complaint starts ("Did you buy on a
platform that uses Gongdao?"), declaring a purchase made elsewhere, and recording on the case
page what the outside merchant and platform did. Thin: parse, call the domain, render."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongdao.cases import actions
from gongdao.cases.actors import of_user
from gongdao.cases.models import Case
from gongdao.errors import Conflict, DomainError, InvalidInput
from gongdao.evidence.actions import add_evidence
from gongdao.money import parse_yuan
from gongdao.parties import permissions
from gongdao.policy.document import PROFILES
from gongdao.selfhelp.declare import MAX_LINES, declare_purchase
from gongdao.web import actionforms, casepage, labels, selfhelp_panel

TIME = re.compile(r"^\d{1,2}:\d{2}$")
WHERE_CHOICES = {
    "yes": gettext_lazy("Yes — the order is in my orders on this site"),
    "no": gettext_lazy("No — I bought on Taobao, JD, Pinduoduo, Douyin, a WeChat store or another shop"),
}


def _consumer_only(request: HttpRequest) -> None:
    if getattr(request.user, "role", "") != "consumer":
        raise Http404("Only consumers declare purchases here")


# ---- where the complaint starts ----------------------------------------------------------


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The first question of the guided path: which way the complaint goes."""
    _consumer_only(request)
    answer = request.POST.get("where", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        if answer == "yes":
            return redirect("web:orders")
        if answer == "no":
            return redirect("web:declare")
        error = _("Choose whether you bought on a platform that uses Gongdao.")
    context = {
        "choices": list(WHERE_CHOICES.items()),
        "answer": answer,
        "error": error,
        "error_summary": [{"href": "#where-yes", "text": error}] if error else [],
    }
    return render(request, "gongdao/selfhelp/start.html", context, status=422 if error else 200)


# ---- declaring a purchase made elsewhere ----------------------------------------------------

SHOP_INPUTS = ("name", "region", "address", "credit_code", "contact", "store_url")
LINE_INPUTS = ("name", "spec", "quantity", "unit_price", "paid")
DATE_INPUTS = ("ordered_at", "paid_at", "shipped_at", "signed_at")
TEXT_INPUTS = ("order_number", "carrier", "tracking_number", "logistics_status")
LINE_KEYS = {"unit_price_fen": "unit_price", "paid_fen": "paid", "": "name"}
LABELS = {
    "platform": gettext_lazy("Where did you buy?"),
    "shop-name": gettext_lazy("Shop name"),
    "shop-region": gettext_lazy("Where the shop is (province and city)"),
    "shop-address": gettext_lazy("The shop's address"),
    "shop-credit_code": gettext_lazy("Unified social credit code"),
    "shop-contact": gettext_lazy("The shop's phone or other contact"),
    "shop-store_url": gettext_lazy("Link to the shop"),
    "order_number": gettext_lazy("Order number"),
    "ordered_at": gettext_lazy("Ordered on"),
    "paid_at": gettext_lazy("Paid on"),
    "shipped_at": gettext_lazy("Shipped on"),
    "signed_at": gettext_lazy("Received (signed for) on"),
    "shipping_fee": gettext_lazy("Shipping fee"),
    "carrier": gettext_lazy("Courier company"),
    "tracking_number": gettext_lazy("Tracking number"),
    "logistics_status": gettext_lazy("Delivery status"),
    "name": gettext_lazy("Item"),
    "spec": gettext_lazy("Size, colour or model"),
    "quantity": gettext_lazy("Quantity"),
    "unit_price": gettext_lazy("Price each"),
    "paid": gettext_lazy("Amount paid for this item"),
}
HINTS = {
    "shop-name": gettext_lazy("As shown on the order page or the shop's home page."),
    "shop-region": gettext_lazy("Optional. It decides which market regulator handles a 12315 complaint."),
    "shop-credit_code": gettext_lazy(
        "Optional. 18 letters and digits, on the business licence the shop must show on its page."
    ),
    "shop-store_url": gettext_lazy("Optional. Starts with https://"),
    "order_number": gettext_lazy("Copy it from the order page (订单号)."),
    "ordered_at": gettext_lazy("The day you placed the order."),
    "paid": gettext_lazy("Optional: leave empty if you paid the full price. In yuan, like 12.30."),
    "unit_price": gettext_lazy("In yuan, like 12.30."),
    "shipping_fee": gettext_lazy("Optional. In yuan, like 8.00."),
}
REQUIRED = {"shop-name", "order_number", "ordered_at", "name", "unit_price"}


def input_id(path: str | None) -> str:
    """The input showing a declaration field: "lines[0].paid_fen" → "line-0-paid"."""
    if not path:
        return ""
    if path == "lines":
        return "line-0-name"
    match = re.match(r"^lines\[(\d+)\]\.?(\w*)$", path)
    if match:
        index, key = match.groups()
        return f"line-{index}-{LINE_KEYS.get(key, key)}"
    if path.startswith("shop."):
        return "shop-" + path[5:]
    return {"shipping_fee_fen": "shipping_fee"}.get(path, path)


def _field(
    name: str, post: Any, errors: dict[str, Any], *, kind: str = "text", key: str = "", **extra: Any
) -> dict:
    key = key or name
    return {
        "id": name,
        "name": name,
        "label": LABELS.get(key, key),
        "hint": HINTS.get(key, ""),
        "value": post.get(name, extra.pop("default", "")) if post is not None else extra.pop("default", ""),
        "error": errors.get(name, ""),
        "type": kind,
        "required": key in REQUIRED,
        **extra,
    }


def _rows(post: Any) -> list[dict[str, str]]:
    """The item rows as typed; an empty form has one."""
    if post is None:
        return [{key: ("1" if key == "quantity" else "") for key in LINE_INPUTS}]
    count = post.get("line_count", "1")
    count = min(max(int(count), 1), MAX_LINES) if count.isdigit() else 1
    return [{key: post.get(f"line-{i}-{key}", "").strip() for key in LINE_INPUTS} for i in range(count)]


def _blank(row: dict[str, str]) -> bool:
    return not any(value for key, value in row.items() if key != "quantity")


def _when(day: str, clock: str = "") -> str:
    """A day (and maybe a time) as the domain reads it; today without a time is "now", so that a
    step taken this morning is not refused as being in the future (a bare day means noon)."""
    day, clock = day.strip(), clock.strip()
    if not day:
        return ""
    if clock:
        return f"{day}T{clock.zfill(5)}" if TIME.match(clock) else f"{day}T{clock}"
    now = timezone.localtime(timezone.now())
    if day == f"{now:%Y-%m-%d}":
        return f"{day}T{now:%H:%M}"
    return day


def _yuan(text: str, field: str, errors: dict[str, Any], message: Any) -> int | None:
    if not text:
        return None
    try:
        return parse_yuan(text)
    except ValueError:
        errors[field] = message
        return None


def _missing(post: Any, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Every required answer left empty, each with its own words, all at once (the domain
    would name only the first); the domain still checks everything."""
    errors: dict[str, Any] = {}
    if post.get("platform", "") not in PROFILES:
        errors["platform"] = _("Choose where you bought: a platform, or “another platform”.")
    if not post.get("shop-name", "").strip():
        errors["shop-name"] = _("Enter the shop's name.")
    if not post.get("order_number", "").strip():
        errors["order_number"] = _("Enter the order number.")
    if not post.get("ordered_at", "").strip():
        errors["ordered_at"] = _("Enter the day you placed the order.")
    for index, row in enumerate(rows):
        if not row["name"]:
            errors[f"line-{index}-name"] = _("Enter what you bought.")
        if not row["unit_price"]:
            errors[f"line-{index}-unit_price"] = _("Enter the price in yuan, like 12.30.")
    return errors


def _in_form_order(errors: dict[str, Any], line_count: int) -> list[str]:
    order = ["platform", *(f"shop-{key}" for key in SHOP_INPUTS), "order_number", *DATE_INPUTS]
    order += [f"line-{i}-{key}" for i in range(line_count) for key in LINE_INPUTS]
    order += ["shipping_fee", *TEXT_INPUTS[1:]]
    return sorted(errors, key=lambda name: order.index(name) if name in order else len(order))


def parse_declaration(post: Any, rows: list[dict[str, str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posted form → declare_purchase's data, and the errors of text that is not a number
    (every rule about the values is the domain's)."""
    errors = _missing(post, rows)
    amount_error = _("Enter the amount in yuan, like 12.30.")
    data: dict[str, Any] = {
        "platform": post.get("platform", ""),
        "shop": {key: post.get(f"shop-{key}", "").strip() for key in SHOP_INPUTS},
    }
    for name in TEXT_INPUTS:
        data[name] = post.get(name, "").strip()
    for name in DATE_INPUTS:
        value = _when(post.get(name, ""))
        if value:
            data[name] = value
    fee = _yuan(post.get("shipping_fee", "").strip(), "shipping_fee", errors, amount_error)
    if fee is not None:
        data["shipping_fee_fen"] = fee
    lines = []
    for index, row in enumerate(rows):
        line: dict[str, Any] = {"name": row["name"], "spec": row["spec"]}
        quantity = row["quantity"] or "1"
        if quantity.isdigit():
            line["quantity"] = int(quantity)
        else:
            errors[f"line-{index}-quantity"] = _("The quantity is a whole number, 1 or more.")
        price = _yuan(row["unit_price"], f"line-{index}-unit_price", errors, amount_error)
        if price is not None:
            line["unit_price_fen"] = price
        paid = _yuan(row["paid"], f"line-{index}-paid", errors, amount_error)
        if paid is not None:
            line["paid_fen"] = paid
        lines.append(line)
    data["lines"] = lines
    return data, errors


@login_required
def declare(request: HttpRequest) -> HttpResponse:
    """Declare a purchase made on another platform or shop; then on into the guided path."""
    _consumer_only(request)
    post = request.POST if request.method == "POST" else None
    rows = _rows(post)
    errors: dict[str, Any] = {}
    existing = ""
    if post is not None:
        if "add_line" in post:
            if len(rows) < MAX_LINES:
                rows.append({key: ("1" if key == "quantity" else "") for key in LINE_INPUTS})
            return _render_declare(request, post, rows, errors, focus=f"line-{len(rows) - 1}-name")
        if post.get("remove_line", "").isdigit():
            index = int(post["remove_line"])
            if len(rows) > 1 and index < len(rows):
                del rows[index]
            return _render_declare(request, post, rows, errors, focus="lines")
        rows = [row for row in rows if not _blank(row)] or rows[:1]
        data, errors = parse_declaration(post, rows)
        if not errors:
            try:
                order = declare_purchase(request.user, data)
            except DomainError as exc:
                errors[input_id(exc.field) or "platform"] = exc.message
                if isinstance(exc, Conflict) and exc.extra.get("order"):
                    existing = str(exc.extra["order"])
            else:
                messages.success(request, _("Your purchase is recorded. Now say what went wrong."))
                return redirect("web:file_start", order_id=order.public_id)
    return _render_declare(request, post, rows, errors, existing=existing)


def _render_declare(
    request: HttpRequest,
    post: Any,
    rows: list[dict[str, str]],
    errors: dict[str, Any],
    *,
    existing: str = "",
    focus: str = "",
) -> HttpResponse:
    platform = post.get("platform", "") if post is not None else ""
    platforms = [
        {"code": code, "label": name if code != "other" else _("Another platform, or the shop's own website")}
        for code, name in PROFILES.items()
    ]
    line_rows = []
    for index, row in enumerate(rows):
        fields = []
        for key in LINE_INPUTS:
            name = f"line-{index}-{key}"
            fields.append(
                {
                    "id": name,
                    "name": name,
                    "label": LABELS[key],
                    "hint": HINTS.get(key, ""),
                    "value": row[key],
                    "error": errors.get(name, ""),
                    "required": key in REQUIRED,
                    "money": key in ("unit_price", "paid"),
                    "type": "text",
                    "inputmode": "numeric"
                    if key == "quantity"
                    else ("decimal" if key in ("unit_price", "paid") else ""),
                }
            )
        line_rows.append({"index": index, "number": index + 1, "fields": fields})
    today = f"{timezone.localtime(timezone.now()):%Y-%m-%d}"
    order_fields = [_field("order_number", post, errors)] + [
        _field(name, post, errors, kind="date", max=today) for name in DATE_INPUTS
    ]
    summary = [
        {"href": "#" + (name if name != "platform" else "platform-taobao"), "text": errors[name]}
        for name in _in_form_order(errors, len(rows))
    ]
    context = {
        "platforms": platforms,
        "platform": platform,
        "platform_error": errors.get("platform", ""),
        "shop_fields": [
            _field(f"shop-{key}", post, errors, kind="url" if key == "store_url" else "text")
            for key in SHOP_INPUTS
        ],
        "order_fields": order_fields,
        "line_rows": line_rows,
        "line_count": len(line_rows),
        "max_lines": MAX_LINES,
        "fee_field": _field("shipping_fee", post, errors, money=True, inputmode="decimal"),
        "delivery_fields": [
            _field(name, post, errors) for name in ("carrier", "tracking_number", "logistics_status")
        ],
        "error_summary": summary,
        "existing": existing,
        "existing_url": reverse("web:file_start", args=[existing]) if existing else "",
        "focus": focus,
    }
    return render(request, "gongdao/selfhelp/declare.html", context, status=422 if errors else 200)


# ---- recording steps taken outside Gongdao --------------------------------------------------


def parse_step(action: str, post: Any, case_lines: list[Any]) -> dict[str, Any]:
    """The posted form → ``perform``'s data for a recorded step. Raises InvalidInput (with the
    domain's field names) for text that is not a date or an amount."""
    data: dict[str, Any] = {}
    clock = post.get("occurred_time", "").strip()
    if clock and not TIME.match(clock):
        raise InvalidInput(
            "invalid_date", _("Enter a time like 14:30, or leave it empty."), field="occurred_time"
        )
    when = _when(post.get("occurred_on", ""), clock)
    if when:
        data["occurred_at"] = when
    if post.get("channel"):
        data["channel"] = post["channel"]
    evidence = [item for item in post.getlist("evidence") if item]
    if evidence:
        data["evidence"] = evidence
    if post.get("note", "").strip():
        data["note"] = post["note"]
    if action == "record_merchant_reply":
        data["reply"] = post.get("reply", "")
        if data["reply"] == "offered":
            data["remedy"] = post.get("remedy", "")
            lines = actionforms.parse_lines(post, case_lines, action)
            if lines:
                data["lines"] = lines
        elif data["reply"] == "carried_out" and post.get("amount", "").strip():
            try:
                data["amount_fen"] = parse_yuan(post["amount"])
            except ValueError:
                raise InvalidInput(
                    "invalid_amount", _("Enter an amount in yuan, like 12.30."), field="amount_fen"
                )
    elif action == "record_platform_step":
        data["step"] = post.get("step", "")
        if post.get("reference", "").strip():
            data["reference"] = post["reference"]
        if data["step"] in ("decided", "appeal_decided"):
            data["outcome"] = post.get("outcome", "")
    return data


def _check_version(case: Case, version: int | None) -> None:
    """With a file uploaded first, the version the form was built on is checked under the row
    lock before anything is written (the upload itself moves the version on)."""
    current = Case.objects.select_for_update().filter(pk=case.pk).values_list("version", flat=True).get()
    if version is not None and current != version:
        raise Conflict("conflict", _("Someone else changed this case just now. Reload it and try again."))


@login_required
@require_POST
def record(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    """Record "I asked the merchant", the merchant's answer, or a step of the platform, with a
    file uploaded right there if the consumer has one: all in one transaction."""
    case = casepage.get_case_or_404(request, case_id)
    actor = of_user(request.user)
    if action not in selfhelp_panel.PANEL_ACTIONS or case.mode != "self_help":
        raise Http404("No such action")
    if "consumer" not in permissions.sides(actor, case):
        raise Http404("No such case")
    case_lines = list(case.lines.select_related("order_line"))
    version = _version(request)
    upload = request.FILES.get("file")
    try:
        data = parse_step(action, request.POST, case_lines)
        with transaction.atomic():
            if upload is not None:
                _check_version(case, version)
                item = add_evidence(
                    case,
                    actor,
                    kind=request.POST.get("file_kind") or "other",
                    source=upload,
                    filename=upload.name or "",
                    claimed_type=upload.content_type,
                )
                data["evidence"] = [*data.get("evidence", []), item.public_id]
                version = None
            actions.perform(case, action, actor, expected_version=version, **data)
    except DomainError as exc:
        return _failed(request, case_id, action, exc, case_lines)
    messages.success(request, _("Done: %(what)s.") % {"what": _done(action)})
    return redirect(reverse("web:case", args=[case.public_id]) + "#selfhelp-title")


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _done(action: str) -> Any:
    if action == "submit":
        return _("your request to the merchant is on record")
    return labels.EVENTS.get(action, action)


def _failed(
    request: HttpRequest, case_id: str, action: str, exc: DomainError, case_lines: list[Any]
) -> HttpResponse:
    case = casepage.get_case_or_404(request, case_id)
    name = selfhelp_panel.field_name(exc.field, case_lines)
    anchor = f"{action}-{name}" if name else f"selfhelp-{action}"
    summary = [{"href": "#" + anchor, "text": exc.message}]
    context = casepage.case_context(request, case, error_summary=summary)
    context["selfhelp"] = selfhelp_panel.panel(
        request, case, failed=action, posted=request.POST, errors={name or "_form": exc.message}
    )
    status = 409 if isinstance(exc, Conflict) else exc.status
    return render(request, "gongdao/case.html", context, status=status)
