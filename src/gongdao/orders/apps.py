from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "gongdao.orders"
    label = "orders"
    verbose_name = "Orders"
