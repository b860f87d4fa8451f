"""The codes of DESIGN.md "Identifiers and codes": one definition that models, the workflow,
the API's enums, the docs tables and the translations are generated from."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ROLES = {
    "consumer": _("Consumer"),
    "merchant_staff": _("Merchant staff"),
    "merchant_admin": _("Merchant admin"),
    "agent": _("Platform agent"),
    "senior_agent": _("Senior agent"),
    "admin": _("Administrator"),
    "association_staff": _("Consumer association staff"),
    "merchant_guest": _("Merchant (invited by link)"),
}

STATUSES = {
    "draft": _("Draft"),
    "awaiting_merchant": _("Awaiting the merchant"),
    "awaiting_consumer": _("Awaiting the consumer"),
    "escalated": _("Platform intervention requested"),
    "evidence_period": _("Evidence period"),
    "under_review": _("Under review"),
    "decided": _("Decided"),
    "appealed": _("Appealed"),
    "fulfilling": _("Carrying out the remedy"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    "withdrawn": _("Withdrawn"),
}
ENDED_STATUSES = ("resolved", "closed", "withdrawn")

STAGES = {
    1: ("evidence", _("Evidence")),
    2: ("negotiation", _("Negotiation")),
    3: ("platform", _("Platform intervention")),
    4: ("outside", _("Outside help")),
}
STAGE_OF_STATUS = {
    "draft": 1,
    "awaiting_merchant": 2,
    "awaiting_consumer": 2,
    "fulfilling": 2,
    "escalated": 3,
    "evidence_period": 3,
    "under_review": 3,
    "decided": 3,
    "appealed": 3,
}

REMEDIES = {
    "refund_only": _("Refund only"),
    "return_and_refund": _("Return and refund"),
    "exchange": _("Exchange"),
    "repair": _("Repair"),
    "resend": _("Resend the missing item"),
    "partial_refund": _("Partial refund"),
    "compensation": _("Compensation"),
}

OUTCOMES = {
    "consumer_upheld": _("Consumer upheld"),
    "partially_upheld": _("Partially upheld"),
    "merchant_upheld": _("Merchant upheld"),
    "settled": _("Settled"),
    "withdrawn": _("Withdrawn"),
    "abandoned": _("Abandoned"),
    "rejected": _("Rejected"),
}

ISSUE_TYPES = {
    "not_received": _("Not received"),
    "late_delivery": _("Late delivery"),
    "damaged_in_transit": _("Damaged in transit"),
    "wrong_or_missing_item": _("Wrong or missing item"),
    "not_as_described": _("Not as described"),
    "quality_defect": _("Quality defect"),
    "counterfeit": _("Counterfeit"),
    "false_advertising": _("False advertising or misleading promotion"),
    "no_after_sales": _("No after-sales response"),
    "invoice_refused": _("Invoice refused"),
    "price_or_deposit": _("Price or deposit problem"),
    "personal_information": _("Misuse of personal information"),
    "other": _("Other"),
}

EVIDENCE_KINDS = {
    "order_record": _("Order record"),
    "payment_proof": _("Payment proof"),
    "product_page": _("Product page and promises"),
    "chat_record": _("Chat record with the merchant"),
    "problem_photo": _("Photo of the problem"),
    "problem_video": _("Video of the problem"),
    "unboxing_video": _("Unboxing video"),
    "logistics_record": _("Logistics record"),
    "test_report": _("Test report"),
    "invoice": _("Invoice or its refusal"),
    "authorization": _("Power of attorney"),
    "other": _("Other"),
}

DOSSIER_TARGETS = {
    "12315": _("12315 / consumer association complaint"),
    "regulator_report": _("Market regulator report"),
    "tax": _("Tax bureau report"),
    "media": _("Media summary"),
    "internet_court": _("Internet court statement of claim"),
}
REFERRAL_STATUSES = ("drafted", "filed", "accepted", "refused", "in_mediation", "resolved", "closed")

EVENT_TYPES = (
    "case.filed",
    "case.status_changed",
    "case.message_added",
    "case.evidence_added",
    "case.escalated",
    "case.decided",
    "case.appealed",
    "case.closed",
    "deadline.reminder",
    "deadline.expired",
    "refund.requested",
    "notification.created",
)

MODES = ("platform", "self_help")


def choices(codes: dict) -> list[tuple[str, object]]:
    return list(codes.items())
