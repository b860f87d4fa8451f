"""factory_boy factories for the domain's tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory

from gongdao.orders.models import Order, OrderLine
from gongdao.parties.models import Profile, Shop, User


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Shop {n}")
    region = "浙江省杭州市余杭区"
    registered_address = "浙江省杭州市余杭区文一西路 1 号"
    credit_code = "91330110MA2AXXXX1X"
    return_address = "浙江省杭州市余杭区仓库路 8 号"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "consumer"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            Profile.objects.get_or_create(
                user=self,
                defaults={
                    "full_name": self.username.title(),
                    "phone": "13812345678",
                    "address": "上海市浦东新区世纪大道 100 号",
                },
            )


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order
        skip_postgeneration_save = True

    external_id = factory.Sequence(lambda n: f"T{100000 + n}")
    shop = factory.SubFactory(ShopFactory)
    consumer = factory.SubFactory(UserFactory)
    ordered_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=5))
    paid_at = factory.LazyAttribute(lambda o: o.ordered_at + timedelta(minutes=2))
    shipped_at = factory.LazyAttribute(lambda o: o.ordered_at + timedelta(days=1))
    signed_at = factory.LazyAttribute(lambda o: o.ordered_at + timedelta(days=3))
    carrier = "顺丰速运"
    tracking_number = factory.Sequence(lambda n: f"SF{1000000 + n}")
    logistics_status = "signed"
    shipping_fee_fen = 800

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        specs = extracted or [("Bluetooth headphones", 19900), ("Charging case", 5000)]
        for no, (name, paid) in enumerate(specs, start=1):
            OrderLine.objects.create(
                order=self, line_no=no, name=name, quantity=1, unit_price_fen=paid, paid_fen=paid
            )
