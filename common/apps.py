from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Users and orgs"

    def ready(self):
        from . import rls

        rls.connect_signals()
