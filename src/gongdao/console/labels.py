"""Words the consoles show for codes that codes.py does not label (who acts next, deadline kinds,
workflow actions and event types, return problems). Keyed by the codes themselves; tests check
the keys against the definitions (workflow.ACTIONS, policy.document.DEADLINE_KINDS), so a new
code cannot go unlabelled."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

NEXT_ACTORS = {
    "consumer": _("the consumer"),
    "merchant": _("the shop"),
    "platform": _("the platform"),
}

DEADLINE_KINDS = {
    "merchant_response": _("Shop answers the request"),
    "escalate_after_silence": _("Consumer may ask the platform"),
    "consumer_reply": _("Consumer replies"),
    "assignment_sla": _("An agent takes the case"),
    "evidence_period": _("Evidence period ends"),
    "extra_evidence": _("Requested evidence is due"),
    "decision_sla": _("Agent decides"),
    "appeal_window": _("Appeal window closes"),
    "decision_execution": _("Shop carries out the decision"),
    "appeal_decision_sla": _("Senior agent decides the appeal"),
    "return_shipment": _("Consumer ships the goods back"),
    "return_receipt": _("Shop confirms the return arrived"),
    "refund_execution": _("Refund is confirmed"),
    "replacement_shipment": _("Shop ships the replacement"),
    "replacement_receipt": _("Consumer confirms the replacement arrived"),
    "rating_window": _("Consumer may rate"),
}

ACTIONS = {
    "submit": _("Filed"),
    "accept": _("Accept the request"),
    "offer": _("Make an offer"),
    "reject": _("Refuse the request"),
    "accept_offer": _("Offer accepted"),
    "revise": _("Request revised"),
    "escalate": _("Platform asked to step in"),
    "assign": _("Assigned"),
    "close_evidence": _("Close the evidence period"),
    "request_evidence": _("Request more evidence"),
    "decide": _("Decide"),
    "appeal": _("Appealed"),
    "decide_appeal": _("Decide the appeal"),
    "ship_return": _("Return shipped"),
    "confirm_return": _("Confirm the return arrived"),
    "report_return_problem": _("Report a problem with the return"),
    "ship_replacement": _("Ship the replacement"),
    "confirm_replacement": _("Replacement received"),
    "confirm_refund": _("Confirm the refund is paid"),
    "record_advance_payout": _("Record a platform advance payout"),
    "pause_deadline": _("Pause the deadlines"),
    "resume_deadline": _("Resume the deadlines"),
    "withdraw": _("Withdrawn"),
    "close": _("Closed"),
    "alert": _("Senior agents alerted"),
    "rate": _("Rated"),
    "withdraw_evidence": _("Evidence withdrawn"),
    # self-help mode (the consumer records outside steps; the consoles only ever read them)
    "record_merchant_reply": _("Merchant's answer recorded"),
    "record_platform_step": _("Platform's step recorded"),
    "note_overdue": _("A date of the platform's rules passed"),
}

# How the timeline names what happened (event types, past tense; ACTIONS above name the buttons).
EVENTS = {
    "accept": _("Request accepted"),
    "offer": _("Offer made"),
    "reject": _("Request refused"),
    "close_evidence": _("Evidence period closed"),
    "request_evidence": _("More evidence requested"),
    "decide": _("Decided"),
    "decide_appeal": _("Appeal decided"),
    "confirm_return": _("Return received"),
    "report_return_problem": _("Problem with the return reported"),
    "ship_replacement": _("Replacement shipped"),
    "confirm_refund": _("Refund confirmed"),
    "record_advance_payout": _("Platform advance payout recorded"),
    "pause_deadline": _("Deadlines paused"),
    "resume_deadline": _("Deadlines resumed"),
    "case_opened": _("Case opened"),
    "message_added": _("Message"),
    "note_added": _("Internal note"),
    "sla_alert": _("Senior agents alerted"),
    "evidence_added": _("Evidence added"),
    "evidence_withdrawn": _("Evidence withdrawn"),
    "law_facts_recorded": _("Facts for the law advisor recorded"),
    "dossier_edited": _("Outside-help dossier edited"),
    "referral_recorded": _("Referral to an outside body recorded"),
    "referral_updated": _("Referral updated"),
    "deadline.passed": _("A date of the platform's rules passed"),
}

# The problems a shop may report when the returned goods arrive (cases/effects.report_return_problem).
RETURN_PROBLEMS = {
    "damaged": _("The goods came back damaged"),
    "empty": _("The parcel was empty"),
    "missing_items": _("Items are missing"),
    "other": _("Another problem"),
}

# Whom an agent may ask for more evidence (cases/effects.request_evidence).
EVIDENCE_PARTIES = {
    "consumer": _("The consumer"),
    "merchant": _("The shop"),
    "both": _("Both parties"),
}


def event_label(event_type: str) -> Any:
    return EVENTS.get(event_type) or ACTIONS.get(event_type) or event_type
