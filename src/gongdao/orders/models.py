"""Orders and their lines (money in integer fen), with payment and logistics details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdao import ids


def _order_id() -> str:
    return ids.new_id("order")


class Order(models.Model):
    SOURCES = {"platform": _("Platform"), "declared": _("Declared by the consumer")}
    public_id = models.CharField(max_length=12, unique=True, default=_order_id, editable=False)
    external_id = models.CharField(_("order number"), max_length=100)
    source = models.CharField(max_length=10, choices=list(SOURCES.items()), default="platform")
    shop = models.ForeignKey(
        "parties.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    outside_shop = models.ForeignKey(
        "parties.OutsideParty", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    consumer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    shipping_fee_fen = models.BigIntegerField(default=0)
    ordered_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    logistics_status = models.CharField(max_length=100, blank=True)
    invoice_issued = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=models.Q(source="platform"), name="unique_platform_order"
            ),
            models.CheckConstraint(
                name="order_shipping_fee_nonnegative", condition=models.Q(shipping_fee_fen__gte=0)
            ),
        ]
        indexes = [models.Index(fields=["consumer", "-ordered_at"])]

    def __str__(self) -> str:
        return self.public_id

    @property
    def paid_fen(self) -> int:
        return sum(line.paid_fen for line in self.lines.all())


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    name = models.CharField(_("item"), max_length=300)
    spec = models.CharField(_("specification"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    unit_price_fen = models.BigIntegerField()
    paid_fen = models.BigIntegerField(help_text=_("Amount actually paid for the line after discounts"))

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="unique_order_line_no"),
            models.CheckConstraint(name="line_paid_nonnegative", condition=models.Q(paid_fen__gte=0)),
            models.CheckConstraint(name="line_price_nonnegative", condition=models.Q(unit_price_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.order.public_id}#{self.line_no} {self.name}"
