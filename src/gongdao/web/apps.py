from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gongdao.web"
    label = "web"
    verbose_name = "Web"
