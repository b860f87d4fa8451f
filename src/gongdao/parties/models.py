"""Users with roles, shops and their staff, outside parties, personal data profiles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdao import codes, ids


def _user_id() -> str:
    return ids.new_id("user")


def _shop_id() -> str:
    return ids.new_id("shop")


def _party_id() -> str:
    return ids.new_id("party")


class Shop(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=_shop_id, editable=False)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=200, help_text=_("Province, city and county"))
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    return_address = models.CharField(_("return address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return self.name


def _association_id() -> str:
    return ids.new_id("association")


def _authorization_id() -> str:
    return ids.new_id("authorization")


class Association(models.Model):
    """A consumer association (消费者协会) whose staff help members in self-help mode."""

    public_id = models.CharField(max_length=12, unique=True, default=_association_id, editable=False)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consumer association")
        verbose_name_plural = _("consumer associations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    public_id = models.CharField(max_length=12, unique=True, default=_user_id, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=codes.choices(codes.ROLES), default="consumer")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    association = models.ForeignKey(
        Association, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="merchant_roles_have_shop",
                condition=~models.Q(role__in=["merchant_staff", "merchant_admin"])
                | models.Q(shop__isnull=False),
            ),
            models.CheckConstraint(
                name="association_staff_have_association",
                condition=~models.Q(role="association_staff") | models.Q(association__isnull=False),
            ),
        ]

    @property
    def is_merchant(self) -> bool:
        return self.role in ("merchant_staff", "merchant_admin")

    @property
    def is_platform(self) -> bool:
        return self.role in ("agent", "senior_agent", "admin")

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return (profile and profile.full_name) or self.get_full_name() or self.username


class Profile(models.Model):
    """Personal data: referenced from case payloads by the user's public id, never copied."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("profile")


class OutsideParty(models.Model):
    """A shop or platform known only by name and details (self-help mode)."""

    KINDS = {"merchant": _("Merchant"), "platform": _("Platform")}
    public_id = models.CharField(max_length=12, unique=True, default=_party_id, editable=False)
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    store_url = models.URLField(_("store link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outside party")
        verbose_name_plural = _("outside parties")

    def __str__(self) -> str:
        return self.name


class Authorization(models.Model):
    """A consumer's power of attorney letting one staff member of an association act on one case.

    The regulator's complaint rules (市场监督管理投诉举报处理暂行办法 Art. 10) ask an agent for the
    consumer's signed authorisation and the agent's identity: the document is the case's
    ``authorization`` evidence, the identity is recorded here. Staff see a case only while an
    authorisation naming them is in force (parties.permissions); every action they take is
    recorded ``on_behalf_of`` the consumer.
    """

    public_id = models.CharField(max_length=12, unique=True, default=_authorization_id, editable=False)
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="authorizations")
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorizations")
    consumer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorizations_given")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="authorizations")
    document = models.ForeignKey(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="authorizations"
    )
    staff_name = models.CharField(_("staff member's name"), max_length=100)
    staff_id_number = models.CharField(_("staff member's ID number"), max_length=40)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        indexes = [models.Index(fields=["staff", "revoked_at"])]

    def __str__(self) -> str:
        return self.public_id
