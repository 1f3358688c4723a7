from django.urls import path

from . import budget, connection, imports, owner_mapping
from . import value_mappings as value_mappings_api

urlpatterns = [
    path("connect/", connection.ConnectView.as_view(), name="sf-connect"),
    path("callback/", connection.CallbackView.as_view(), name="sf-callback"),
    path("status/", connection.StatusView.as_view(), name="sf-status"),
    path("disconnect/", connection.DisconnectView.as_view(), name="sf-disconnect"),
    path("import/", imports.StartImportView.as_view(), name="sf-import-start"),
    path("import/history/", imports.JobHistoryView.as_view(), name="sf-import-history"),
    path("import/estimate/", budget.EstimateView.as_view(), name="sf-import-estimate"),
    path("import/<uuid:job_id>/", imports.JobDetailView.as_view(), name="sf-import-detail"),
    path("import/<uuid:job_id>/errors/", imports.JobProblemsView.as_view(), name="sf-import-problems"),
    path("import/<uuid:job_id>/cancel/", imports.CancelJobView.as_view(), name="sf-import-cancel"),
    path("import/<uuid:job_id>/undo/", imports.UndoJobView.as_view(), name="sf-import-undo"),
    path("owner-mapping/", owner_mapping.OwnerMappingView.as_view(), name="sf-owner-mapping"),
    path(
        "owner-mapping/apply/", owner_mapping.ApplyOwnerMappingView.as_view(), name="sf-owner-mapping-apply"
    ),
    path("value-mappings/", value_mappings_api.ValueMappingsView.as_view(), name="sf-value-mappings"),
    path(
        "value-mappings/fields/",
        value_mappings_api.ValueMappingFieldsView.as_view(),
        name="sf-value-mappings-fields",
    ),
]
