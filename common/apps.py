from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Users and orgs"

    def ready(self):
        from . import lookups, rls  # noqa: F401 - lookups registers `__any`

        rls.connect_signals()
