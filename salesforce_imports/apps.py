from django.apps import AppConfig


class SalesforceImportsConfig(AppConfig):
    name = "salesforce_imports"
    verbose_name = "Salesforce import"

    def ready(self):
        from . import crypto

        # Refuse to start without a token key (DEBUG derives a development key instead).
        crypto.check_configuration()
