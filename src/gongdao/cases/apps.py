from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gongdao.cases"
    label = "cases"
    verbose_name = "Cases"
