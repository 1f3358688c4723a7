from django.apps import AppConfig


class SalesforceImportsConfig(AppConfig):
    name = "salesforce_imports"
    verbose_name = "Salesforce import"
