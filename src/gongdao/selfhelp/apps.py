from django.apps import AppConfig


class SelfHelpConfig(AppConfig):
    name = "gongdao.selfhelp"
    label = "selfhelp"
    verbose_name = "Self-help mode"
