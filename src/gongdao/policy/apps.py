from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "gongdao.policy"
    label = "policy"
    verbose_name = "Policy"
