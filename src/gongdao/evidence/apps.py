from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "gongdao.evidence"
    label = "evidence"
    verbose_name = "Evidence"
