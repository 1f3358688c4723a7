from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Users and orgs"

    def ready(self):
        from . import lookups, rls, schema  # noqa: F401 - lookups registers `__any`, schema the auth docs

        rls.connect_signals()
