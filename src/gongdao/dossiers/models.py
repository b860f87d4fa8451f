"""What the consumer set for a dossier (edited facts text, answers to the target's questions) and
the referrals they record after filing one with an outside body, with each status update.

Every row here is a projection of case events written in the same transaction
(``dossier_edited``, ``referral_recorded``, ``referral_updated``): the event log stays the record.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from gongdao import codes

TARGET_CHOICES = codes.choices(codes.DOSSIER_TARGETS)
STATUS_CHOICES = [(s, s) for s in codes.REFERRAL_STATUSES]


class DossierDraft(models.Model):
    """The consumer's own text and answers for one target of one case (absent: all generated)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dossier_drafts")
    target = models.CharField(max_length=20, choices=TARGET_CHOICES)
    facts_text = models.TextField(blank=True)  # "": the generated account is used
    answers = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "target"], name="one_draft_per_target")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.target}"


class Referral(models.Model):
    """A complaint, report or claim the consumer filed (or prepared) with an outside body."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    number = models.PositiveIntegerField()  # 1, 2, … within the case: the id the API and URLs use
    target = models.CharField(max_length=20, choices=TARGET_CHOICES)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="drafted")
    filed_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    outcome = models.TextField(blank=True)
    accepted_on = models.DateField(null=True, blank=True)  # when the body accepted / started mediation
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="+")
    # The pending reminder (an outbox row due on the expected date), cancelled when moot.
    reminder = models.ForeignKey(
        "cases.Outbox", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_referral_number"),
            models.CheckConstraint(
                name="filed_referral_has_date", condition=Q(status="drafted") | Q(filed_on__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.number} {self.target}"


class ReferralUpdate(models.Model):
    """One step of a referral: recorded, filed, accepted, refused, … with its case event."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    occurred_on = models.DateField()
    note = models.TextField(blank=True)
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["referral", "recorded_at", "pk"]
