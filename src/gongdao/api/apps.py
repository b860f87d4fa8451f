from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gongdao.api"
    label = "api"
    verbose_name = "API"
