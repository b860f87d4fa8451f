from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "gongdao.dossiers"
    label = "dossiers"
    verbose_name = "Outside-help dossiers"
