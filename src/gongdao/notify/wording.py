"""The sentences notices are made of, keyed by the codes they describe (workflow actions, event
types, deadline kinds, fulfilment steps). English source strings; Chinese comes from the
catalog. A test checks that every action and deadline kind of the workflow has its sentence."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DEADLINE_LABELS = {
    "merchant_response": _("The merchant's answer"),
    "escalate_after_silence": _("Waiting before the platform may be asked"),
    "consumer_reply": _("The consumer's reply"),
    "assignment_sla": _("Assigning an agent"),
    "evidence_period": _("The evidence period"),
    "extra_evidence": _("The requested evidence"),
    "decision_sla": _("The platform's decision"),
    "appeal_window": _("The appeal window"),
    "decision_execution": _("Carrying out the decided refund"),
    "appeal_decision_sla": _("The appeal decision"),
    "return_shipment": _("Sending the goods back"),
    "return_receipt": _("Confirming the returned goods"),
    "refund_execution": _("The refund"),
    "replacement_shipment": _("Sending the item"),
    "replacement_receipt": _("Confirming that the item arrived"),
    "rating_window": _("Rating the case"),
}

# The dates the regulations set for a referral to an outside body (dossiers/regulations.KINDS):
# reminders of them are ``deadline.reminder`` notices like the workflow's.
OUTSIDE_DEADLINE_LABELS = {
    "referral_acceptance": _("The body's decision to accept your complaint"),
    "referral_mediation": _("The end of mediation"),
    "referral_decision": _("The regulator's decision whether to open a case"),
    "referral_notice": _("Being told of the regulator's decision"),
}
OUTSIDE_DEADLINE_TODO = {
    "referral_acceptance": _(
        "If you have heard nothing by then, ask the body (12315: 12315 or the local office) whether your "
        "complaint was accepted, and record the answer on the case."
    ),
    "referral_mediation": _(
        "If mediation has not ended by then, ask the body how it stands, and record the outcome on the case."
    ),
    "referral_decision": _(
        "If you have heard nothing by then, ask the regulator whether it opened a case; it may extend the "
        "time by 15 working days."
    ),
    "referral_notice": _(
        "If you have not been told by then, ask the regulator for its decision, and record it on the case."
    ),
}

# What happened, by workflow action (the event's payload names it).
HAPPENED = {
    "submit": _("The consumer filed a complaint and asks the merchant for a remedy."),
    "accept": _("The merchant agreed to the consumer's request."),
    "offer": _("The merchant made an offer."),
    "reject": _("The merchant rejected the request."),
    "accept_offer": _("The consumer accepted the merchant's offer."),
    "revise": _("The consumer revised the request."),
    "escalate": _("The consumer asked the platform to step in."),
    "assign": _("A platform agent took the case."),
    "close_evidence": _("The evidence period is over; the agent is reviewing the case."),
    "request_evidence": _("The agent asked for more evidence."),
    "decide": _("The platform decided the case."),
    "appeal": _("The decision was appealed."),
    "decide_appeal": _("The appeal was decided; this decision is final."),
    "ship_return": _("The consumer sent the goods back."),
    "confirm_return": _("The merchant confirmed that the returned goods arrived."),
    "report_return_problem": _("The merchant reported a problem with the returned goods."),
    "ship_replacement": _("The merchant sent the item."),
    "confirm_replacement": _("The consumer confirmed that the item arrived."),
    "confirm_refund": _("The refund was confirmed as paid."),
    "record_advance_payout": _(
        "The platform paid the consumer in advance and booked the amount against the shop."
    ),
    "pause_deadline": _("The platform paused the deadlines of this case."),
    "resume_deadline": _("The platform resumed the deadlines of this case."),
    "withdraw_evidence": _("An evidence item was withdrawn; it stays on record but no longer counts."),
    "withdraw": _("The consumer withdrew the complaint."),
    "close": _("The case closed."),
    "alert": _("A platform step is overdue."),
    "rate": _("The consumer rated how the case was handled."),
    # self-help mode: steps taken outside Gongdao, recorded by the consumer
    "record_merchant_reply": _("The consumer recorded the merchant's answer."),
    "record_platform_step": _("The consumer recorded a step the platform took."),
    "note_overdue": _(
        "A date set by the platform's rules has passed; Gongdao does not act for the merchant or the platform."
    ),
}

# The same, when the system took the action because a deadline ran out.
SYSTEM_HAPPENED = {
    "accept": _("The merchant did not answer in time, so the request was accepted automatically."),
    "escalate": _("Nobody acted in time, so the case went to the platform."),
    "close_evidence": _("The time for evidence ended; the agent is reviewing the case."),
    "confirm_return": _("The merchant did not confirm in time, so the return counts as received."),
    "confirm_replacement": _("The consumer did not confirm in time, so the item counts as received."),
    "record_advance_payout": _(
        "The refund was not confirmed in time, so the platform paid the consumer in advance "
        "and booked the amount against the shop."
    ),
    "close": _("The time to act ran out, so the case closed."),
}

# What the recipient should do, when it is their move: by fulfilment step, then by status.
STEP_TODO = {
    "ship_return": _("Send the goods back to the merchant and enter the carrier and tracking number."),
    "confirm_return": _("Confirm that the returned goods arrived, or report a problem with them."),
    "refund": _("Pay the refund and confirm it."),
    "ship_replacement": _("Send the item and enter the carrier and tracking number."),
    "confirm_replacement": _("Confirm that the item arrived."),
}
STATUS_TODO = {
    ("awaiting_merchant", "merchant"): _(
        "Answer the request: accept it, make an offer, or reject it with your reasons."
    ),
    ("awaiting_consumer", "consumer"): _(
        "Accept the merchant's offer, revise your request, or ask the platform to step in."
    ),
    ("escalated", "agent"): _("Assign the case to an agent."),
    ("evidence_period", "assignee"): _("Close the evidence period when both sides have had their say."),
    ("under_review", "consumer"): _("Add the evidence the agent asked for."),
    ("under_review", "merchant"): _("Add the evidence the agent asked for."),
    ("under_review", "assignee"): _("Review the evidence and decide the case."),
    ("appealed", "assignee"): _("Decide the appeal."),
}

# What to do before a deadline, for reminders; and what happens if nothing is done.
DEADLINE_TODO = {
    "merchant_response": STATUS_TODO[("awaiting_merchant", "merchant")],
    "consumer_reply": STATUS_TODO[("awaiting_consumer", "consumer")],
    "assignment_sla": _("Assign the case to an agent."),
    "evidence_period": _("Add any evidence you want the agent to consider."),
    "extra_evidence": _("Add the evidence the agent asked for."),
    "decision_sla": _("Decide the case."),
    "appeal_window": _("If you disagree with the decision, appeal before then."),
    "decision_execution": STEP_TODO["refund"],
    "appeal_decision_sla": _("Decide the appeal."),
    "return_shipment": STEP_TODO["ship_return"],
    "return_receipt": STEP_TODO["confirm_return"],
    "refund_execution": STEP_TODO["refund"],
    "replacement_shipment": STEP_TODO["ship_replacement"],
    "replacement_receipt": STEP_TODO["confirm_replacement"],
    "rating_window": _("Rate how the case was handled."),
    "escalate_after_silence": _("Ask the platform to step in if the merchant stays silent."),
}
CONSEQUENCE = {
    "escalate": _("If nothing happens by then, the case goes to the platform."),
    "accept": _("If nothing happens by then, the request is accepted automatically."),
    "close": _("If nothing happens by then, the case closes."),
    "alert": _("If nothing happens by then, senior agents are alerted."),
    "close_evidence": _("After that, no more evidence is accepted."),
    "record_advance_payout": _(
        "If nothing happens by then, the platform pays the consumer and books the amount against the shop."
    ),
    "confirm_return": _("If nothing happens by then, the return counts as received."),
    "confirm_replacement": _("If nothing happens by then, the item counts as received."),
}

# For senior agents, when a platform deadline ran out.
SLA_TODO = {
    "assignment_sla": _("Assign the case to an agent now."),
    "decision_sla": _("Make sure the case is decided now, or assign it to another agent."),
    "appeal_decision_sla": _("Make sure the appeal is assigned to a senior agent and decided now."),
}

PARTIES = {
    "consumer": _("the consumer"),
    "merchant": _("the merchant"),
    "platform": _("the platform"),
    "both": _("the consumer and the merchant"),
}
# Who wrote or added something, by the actor's role.
WHO = {
    "consumer": _("The consumer"),
    "merchant_staff": _("The merchant"),
    "merchant_admin": _("The merchant"),
    "merchant_guest": _("The merchant"),  # invited by link to a self-help case
    "association_staff": _("The consumer association acting for the consumer"),
    "agent": _("The platform agent"),
    "senior_agent": _("The platform agent"),
    "admin": _("The platform"),
    "api_key": _("The platform"),
}

# A webhook endpoint was disabled (api/webhooks.py): told to its owners, about their account
# rather than a case. The notice's data: endpoint, url, cause ("failing": every delivery failed
# for a day; "owner": switched off by hand), failing_since, disabled_at.
WEBHOOK_DISABLED_TITLE = _("Webhook endpoint %(endpoint)s is disabled")
WEBHOOK_DISABLED_HAPPENED = {
    "failing": _(
        "Every delivery to %(url)s has failed since %(since)s, so Gongdao stopped delivering to it "
        "at %(when)s. Events since then are not sent."
    ),
    "owner": _("Deliveries to %(url)s were switched off at %(when)s. Events since then are not sent."),
}
WEBHOOK_DISABLED_TODO = {
    "failing": _(
        "Fix the receiving server, then enable the endpoint again (POST /api/v1/webhooks/%(endpoint)s/enable "
        "or the admin) and send the deliveries you missed again (redeliver)."
    ),
    "owner": _(
        "Nothing is needed unless you want events again: then enable the endpoint "
        "(POST /api/v1/webhooks/%(endpoint)s/enable or the admin)."
    ),
}
