"""Evidence items: a file (or pasted text) attached to a case by a party, identified by its
SHA-256 in the content-addressed store. Never deleted or replaced; withdrawal is an event."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongdao import codes, ids


def _evidence_id() -> str:
    return ids.new_id("evidence")


class EvidenceItem(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=_evidence_id, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=codes.choices(codes.EVIDENCE_KINDS))
    description = models.TextField(blank=True)
    side = models.CharField(max_length=20)  # consumer, merchant, platform
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, db_index=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    has_location = models.BooleanField(default=False)
    phash = models.BigIntegerField(null=True, blank=True)
    phash_band0 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_band1 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_band2 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_band3 = models.IntegerField(null=True, blank=True, db_index=True)
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The platform's Ed25519 signature over the receipt statement (evidence/receipts.py).
    receipt_signature = models.CharField(max_length=128, blank=True)
    receipt_key = models.CharField(max_length=64, blank=True)  # fingerprint of the signing key

    class Meta:
        ordering = ["case", "received_at"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return self.public_id


class EvidenceFlag(models.Model):
    """A fraud signal for platform agents only: this item's file (or a near-identical image) is
    also evidence in another case. Written when the item is added, for both items."""

    KINDS = [("same_file", "same_file"), ("similar_image", "similar_image")]
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="reuse_flags")
    other_item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="+")
    other_case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=KINDS)
    distance = models.PositiveSmallIntegerField(default=0)  # pHash bits that differ (0: same file)
    other_consumer = models.BooleanField(default=False)  # the other case is another consumer's
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "-other_consumer", "distance", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "other_item"], name="one_flag_per_item_pair")]

    def __str__(self) -> str:
        return f"{self.item} ~ {self.other_item}"
