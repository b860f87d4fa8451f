from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gongdao.notify"
    label = "notify"
    verbose_name = "Notify"
