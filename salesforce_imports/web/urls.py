from django.urls import path

from . import budget_views, connection_views, import_views

urlpatterns = [
    path("settings/salesforce", connection_views.connection_page, name="salesforce-settings"),
    path("settings/salesforce/connect", connection_views.connect, name="salesforce-connect"),
    path("settings/salesforce/disconnect", connection_views.disconnect, name="salesforce-disconnect"),
    path("settings/salesforce/import", import_views.import_page, name="salesforce-import"),
    path("settings/salesforce/import/start", import_views.start_import, name="salesforce-import-start"),
    path("settings/salesforce/import/owners", import_views.save_owners, name="salesforce-owners"),
    path(
        "settings/salesforce/import/owners/apply", import_views.apply_owners, name="salesforce-owners-apply"
    ),
    path(
        "settings/salesforce/import/value-mappings",
        import_views.save_value_mapping,
        name="salesforce-value-mapping",
    ),
    path("settings/salesforce/import/history", import_views.history_page, name="salesforce-history"),
    path(
        "settings/salesforce/import/estimate",
        budget_views.import_estimate,
        name="salesforce-import-estimate",
    ),
    path("settings/salesforce/import/<uuid:job_id>", import_views.job_page, name="salesforce-job"),
    path(
        "settings/salesforce/import/<uuid:job_id>/progress",
        import_views.job_progress,
        name="salesforce-job-progress",
    ),
    path(
        "settings/salesforce/import/<uuid:job_id>/cancel",
        import_views.cancel_job,
        name="salesforce-job-cancel",
    ),
]
