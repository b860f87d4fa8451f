from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "gongdao.parties"
    label = "parties"
    verbose_name = "Parties"
