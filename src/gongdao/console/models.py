"""Tables of the consoles: a shop's canned replies, and when the shop last opened a case
(what makes a case "new" in the merchant queue)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 100
TEXT_MAX = 2000


class CannedReply(models.Model):
    """A reply the shop keeps ready to insert into a message, an offer or a refusal."""

    shop = models.ForeignKey("parties.Shop", on_delete=models.CASCADE, related_name="canned_replies")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(fields=["shop", "title"], name="unique_canned_reply_title")]

    def __str__(self) -> str:
        return self.title


class ShopCaseView(models.Model):
    """The last time anyone of the shop opened the case in the merchant console."""

    shop = models.ForeignKey("parties.Shop", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField()
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "case"], name="unique_shop_case_view")]
