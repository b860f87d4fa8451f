"""Words the web shows for codes that gongdao/codes.py and the workflow table define: button
labels, timeline entries, plain-language help for each issue type and evidence kind. Keyed by
those codes; tests fail when a code has no entry here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongdao.selfhelp.labels import EVENTS as SELFHELP_EVENTS

ACTIONS = {
    "submit": _("File the case"),
    "accept": _("Accept the request"),
    "offer": _("Make an offer"),
    "reject": _("Reject the request"),
    "accept_offer": _("Accept the offer"),
    "revise": _("Revise my request"),
    "escalate": _("Ask the platform to step in"),
    "assign": _("Assign"),
    "close_evidence": _("Close the evidence period"),
    "request_evidence": _("Request more evidence"),
    "decide": _("Decide"),
    "appeal": _("Appeal the decision"),
    "decide_appeal": _("Decide the appeal"),
    "ship_return": _("I have sent the goods back"),
    "confirm_return": _("Confirm the return arrived"),
    "report_return_problem": _("Report a problem with the returned goods"),
    "ship_replacement": _("Replacement sent"),
    "confirm_replacement": _("Confirm the item arrived"),
    "confirm_refund": _("Confirm the refund is paid"),
    "record_advance_payout": _("Record an advance payout"),
    "pause_deadline": _("Pause the deadlines"),
    "resume_deadline": _("Resume the deadlines"),
    "withdraw": _("Withdraw the case"),
    "withdraw_evidence": _("Withdraw an item of my evidence"),
    "close": pgettext_lazy("action", "Close"),
    "alert": _("Alert senior agents"),
    "rate": _("Rate how it was handled"),
    # self-help mode: the consumer records what the outside merchant and platform did
    "record_merchant_reply": _("Record the merchant's answer"),
    "record_platform_step": _("Record a step of the platform"),
    "note_overdue": _("Note a passed deadline"),
}

EVENTS = {
    "case_opened": _("Case started"),
    "draft_updated": _("Draft changed"),
    "submit": _("Case filed"),
    "accept": _("Merchant accepted the request"),
    "offer": _("Merchant made an offer"),
    "reject": _("Merchant rejected the request"),
    "accept_offer": _("Consumer accepted the offer"),
    "revise": _("Consumer revised the request"),
    "escalate": _("Platform intervention requested"),
    "assign": _("Agent assigned"),
    "close_evidence": _("Evidence period closed"),
    "request_evidence": _("More evidence requested"),
    "decide": _("Platform decided"),
    "appeal": _("Decision appealed"),
    "decide_appeal": _("Appeal decided"),
    "ship_return": _("Goods sent back"),
    "confirm_return": _("Return received"),
    "report_return_problem": _("Problem with the returned goods reported"),
    "ship_replacement": _("Replacement sent"),
    "confirm_replacement": _("Replacement received"),
    "confirm_refund": _("Refund confirmed"),
    "record_advance_payout": _("Platform paid in advance"),
    "pause_deadline": _("Deadlines paused"),
    "resume_deadline": _("Deadlines resumed"),
    "withdraw": _("Case withdrawn"),
    "withdraw_evidence": _("Evidence withdrawn"),
    "close": _("Case closed"),
    "sla_alert": _("Senior agents alerted"),
    "rate": _("Rated"),
    "message_added": _("Message"),
    "note_added": _("Internal note"),
    "evidence_added": _("Evidence added"),
    "evidence_withdrawn": _("Evidence withdrawn"),
    # recorded outside the workflow table: the law questionnaire and the outside-help dossiers
    "law_facts_recorded": _("Facts for the law advisor recorded"),
    "dossier_edited": _("Outside-help dossier edited"),
    "referral_recorded": _("Referral to an outside body recorded"),
    "referral_updated": _("Referral updated"),
    # self-help mode (selfhelp/effects.py): steps outside Gongdao, recorded with when they happened
    "record_merchant_reply": _("Merchant's answer recorded"),
    "record_platform_step": _("Platform's step recorded"),
    "note_overdue": _("A date of the platform's rules passed"),
    "deadline.passed": _("A date of the platform's rules passed"),
    **SELFHELP_EVENTS,  # invitations and powers of attorney (gongdao.selfhelp.labels)
}

ACTOR_ROLES = {
    "consumer": _("Consumer"),
    "merchant_staff": _("Merchant"),
    "merchant_admin": _("Merchant"),
    "merchant_guest": _("Merchant"),
    "agent": _("Platform"),
    "senior_agent": _("Platform"),
    "admin": _("Platform"),
    "association_staff": _("Consumer association"),
    "api_key": _("Platform system"),
    "system": _("Gongdao (automatic)"),
    "operator": _("Platform operator"),
    "outside": _("Outside party"),
}

PARTIES = {
    "consumer": _("the consumer"),
    "merchant": _("the merchant"),
    "platform": _("the platform"),
    "both": _("both parties"),
}

# Status → (tone for colour, icon); the label text always goes with them (never colour alone).
STATUS_TONES = {
    "draft": ("neutral", "✎"),
    "awaiting_merchant": ("waiting", "◷"),
    "awaiting_consumer": ("action", "◷"),
    "escalated": ("waiting", "⚑"),
    "evidence_period": ("waiting", "◷"),
    "under_review": ("waiting", "◎"),
    "decided": ("done", "⚖"),
    "appealed": ("waiting", "⚑"),
    "fulfilling": ("waiting", "↻"),
    "resolved": ("done", "✓"),
    "closed": ("neutral", "■"),
    "withdrawn": ("neutral", "■"),
}

ISSUE_HINTS = {
    "not_received": _("The parcel never arrived, or tracking says delivered but you do not have it."),
    "late_delivery": _("It arrived, or will arrive, later than the shop promised."),
    "damaged_in_transit": _("It arrived broken, crushed or wet."),
    "wrong_or_missing_item": _(
        "You got a different item, the wrong size or colour, or something is missing."
    ),
    "not_as_described": _("It is different from the pictures or the description on the product page."),
    "quality_defect": _("It does not work properly or broke soon after you started using it."),
    "counterfeit": _("You believe it is fake or not from the brand it claims."),
    "false_advertising": _("The price, discount, gift or promise in the promotion was not honoured."),
    "no_after_sales": _("The shop does not answer, or refuses the warranty or after-sales service."),
    "invoice_refused": _("The shop will not give you an invoice (发票)."),
    "price_or_deposit": _(
        "You were charged more than shown, or a deposit or price difference was not returned."
    ),
    "personal_information": _("The shop leaked or misused your name, phone number or address."),
    "other": _("Something else went wrong with this order."),
}

REMEDY_HINTS = {
    "refund_only": _("You keep the goods, or never got them, and get your money back."),
    "return_and_refund": _("You send the goods back and get your money back."),
    "exchange": _("You send the goods back and the shop sends a new one."),
    "repair": _("The shop repairs the item."),
    "resend": _("The shop sends what is missing."),
    "partial_refund": _("You keep the goods and get part of the price back."),
    "compensation": _("The shop pays you for the loss or trouble caused."),
}

EVIDENCE_ADVICE = {
    "order_record": _(
        "Recorded automatically from the order: number, items, prices, what you paid and when."
    ),
    "payment_proof": _("A screenshot of the payment record showing the amount, the time and who was paid."),
    "product_page": _(
        "Screenshots of the product page and promotion as they were when you bought: price, description, "
        "promises. Pages change, so capture them now."
    ),
    "chat_record": _(
        "Screenshots of your chat with the shop, with the shop's name and the dates visible. They show what "
        "was promised and that you asked for help."
    ),
    "problem_photo": _(
        "Clear photos of the problem in good light: one of the whole item, one close-up of the fault, and "
        "one of the label or packaging with the shipping label."
    ),
    "problem_video": _("A short video that shows the fault happening, without cuts."),
    "unboxing_video": _(
        "A video of opening the parcel, in one take, starting with the sealed parcel and its shipping label."
    ),
    "logistics_record": _(
        "The tracking page or waybill photo: tracking number, delivery or signing record, any damage note."
    ),
    "test_report": _("A test report from a lab with CMA or CNAS accreditation."),
    "invoice": _("The invoice, or the message in which the shop refused to issue one."),
    "authorization": _("A signed power of attorney, when someone acts for you."),
    "other": _("Anything else that supports what you say."),
}

# Where a purchase made elsewhere needs other words (self-help mode: nothing is automatic).
SELF_HELP_EVIDENCE_ADVICE = {
    "order_record": _(
        "A screenshot or export of the order page: order number, items, prices, what you paid and when. "
        "It shows that the purchase you declared is real."
    ),
}

# The remedy's fulfilment steps (cases/effects.py STEPS).
STEPS = {
    "ship_return": _("the consumer sends the goods back"),
    "confirm_return": _("the merchant confirms the goods came back"),
    "ship_replacement": _("the merchant sends the replacement"),
    "confirm_replacement": _("the consumer confirms the replacement arrived"),
    "refund": _("the refund is paid"),
}

# Deadline kinds of the policy (policy/document.py DEADLINE_KINDS).
DEADLINES = {
    "merchant_response": _("Merchant answers the request"),
    "escalate_after_silence": _("Consumer may ask the platform to step in"),
    "consumer_reply": _("Consumer answers the merchant"),
    "assignment_sla": _("An agent takes the case"),
    "evidence_period": _("Evidence period"),
    "extra_evidence": _("Requested evidence"),
    "decision_sla": _("The agent decides"),
    "appeal_window": _("Time to appeal"),
    "decision_execution": _("Merchant carries out the decision"),
    "appeal_decision_sla": _("The appeal is decided"),
    "return_shipment": _("Consumer sends the goods back"),
    "return_receipt": _("Merchant confirms the return"),
    "refund_execution": _("Refund is paid"),
    "replacement_shipment": _("Merchant sends the replacement"),
    "replacement_receipt": _("Consumer confirms the replacement"),
    "rating_window": _("Time to rate"),
}

# The law advisor's panel (gongdao.law.casefacts): each fact it uses, where it came from, and the
# questionnaire's choices. Keys are the facts of docs/law.md.
LAW_FACTS = {
    "category": _("Kind of goods"),
    "issue": _("What went wrong"),
    "unit_price_fen": _("Unit price"),
    "quantity": pgettext_lazy("law", "Quantity"),
    "paid_fen": _("Price paid for the goods"),
    "loss_fen": _("Other proven losses"),
    "ordered_on": pgettext_lazy("law", "Ordered on"),
    "paid_on": pgettext_lazy("law", "Paid on"),
    "signed_on": _("Signed for on"),
    "problem_found_on": _("Problem found on"),
    "requested_on": _("First asked the merchant on"),
    "last_demand_on": _("Last demand to the merchant"),
    "today": _("Assessed on"),
    "fraud": _("The merchant knowingly deceived"),
    "food_unsafe": _("The food fails safety standards"),
    "label_flaw_only": _("Only a harmless label or manual flaw"),
    "injury": _("Death or serious harm to health"),
    "seller_knew": _("The seller knew of the defect"),
    "non_returnable_confirmed": _("Confirmed at purchase as not returnable without reason"),
    "intact": _("Goods complete apart from opening to inspect"),
    "invoice_requested": _("An invoice was asked for"),
    "seller_identifiable": _("The platform can name the seller"),
    "respondent_role": _("The merchant's role"),
}

# The questionnaire: what the order and the case cannot know, asked in plain words.
LAW_QUESTIONS = {
    "category": _("What kind of goods are they?"),
    "problem_found_on": _("On what day was the problem found?"),
    "fraud": _("Did the merchant knowingly deceive (for example, sell a fake as genuine)?"),
    "food_unsafe": _("Is it food that fails food-safety standards?"),
    "label_flaw_only": _(
        "Is the only problem a label or manual flaw that neither affects quality or safety nor misleads?"
    ),
    "injury": _("Did the goods cause death or serious harm to health?"),
    "seller_knew": _("Did the seller know of the defect, or that the food was unsafe?"),
    "loss_fen": _("Other proven losses beyond the price (yuan)"),
    "intact": _("Are the goods complete, apart from opening them to inspect?"),
    "non_returnable_confirmed": _(
        "At purchase, did the consumer confirm these goods could not be returned without a reason?"
    ),
    "invoice_requested": _("Did the consumer ask for an invoice?"),
    "respondent_role": _("Is the merchant the seller, or the producer of the goods?"),
}

LAW_QUESTION_HINTS = {
    "category": _("Some rights do not apply to food, fresh, made-to-order or downloaded goods."),
    "problem_found_on": _("Time limits count from this day. Unanswered: the day the case was opened."),
    "loss_fen": _("Medical bills, damaged property: what you can prove. Unanswered: none."),
    "intact": _("Unanswered: yes."),
    "respondent_role": _("Food damages can be claimed from a producer even if it did not know."),
}

LAW_CATEGORIES = {
    "general": _("Ordinary goods"),
    "food": pgettext_lazy("law", "Food"),
    "made_to_order": _("Made to order"),
    "fresh": _("Fresh or perishable"),
    "digital_download": _("Downloaded or unsealed digital goods"),
    "periodical": _("Newspapers or periodicals"),
    "sanbao_durable": _("三包 goods (listed electronics, appliances)"),
}

LAW_ROLES = {
    "seller": pgettext_lazy("law", "Seller"),
    "producer": _("Producer (makes the goods)"),
}

# Where a fact came from (gongdao.law.casefacts.SOURCES).
LAW_SOURCES = {
    "found": _("found by the platform"),
    "claimed": _("claimed by the consumer"),
    "order": _("from the order"),
    "case": _("from the case"),
    "record": _("from the case record"),
    "default": _("the law's default"),
}
# The same, where a derived fact says more about its origin: (fact, source) → words.
LAW_SOURCE_DETAILS = {
    ("problem_found_on", "case"): _("the day the case was opened"),
    ("requested_on", "record"): _("the consumer's first demand in the case record"),
    ("last_demand_on", "record"): _("the consumer's last demand in the case record"),
    ("requested_on", "default"): _("no demand yet: counted as today"),
    ("paid_on", "default"): _("the day of the order"),
    ("invoice_requested", "case"): _("the case is about a refused invoice"),
}
