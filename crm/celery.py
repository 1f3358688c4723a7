"""The Celery app `crm` (`celery -A crm worker`); configuration comes from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every worker looks for imports whose runner died (salesforce_imports/worker_steps.py).
from salesforce_imports.worker_steps import StalledJobSweep  # noqa: E402

app.steps["worker"].add(StalledJobSweep)
