from django.apps import AppConfig


class SalesforceImportsConfig(AppConfig):
    name = "salesforce_imports"
    verbose_name = "Salesforce import"

    def ready(self):
        from . import crypto, provenance

        # Refuse to start without a token key (DEBUG derives a development key instead).
        crypto.check_configuration()
        provenance.register()  # the record pages' provenance box and custom field labels
