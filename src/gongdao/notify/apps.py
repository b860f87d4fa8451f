from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gongdao.notify"
    label = "notify"
    verbose_name = "Notify"

    def ready(self) -> None:
        from gongdao.notify import signals  # noqa: F401  (connects the deadline → reminder hook)
