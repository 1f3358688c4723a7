from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from accounts.api import AccountViewSet
from accounts.views import AccountDetailView, AccountListView
from activities.api import EventViewSet, NoteViewSet, TaskViewSet
from activities.views import (
    EventDetailView,
    EventListView,
    NoteDetailView,
    NoteListView,
    TaskDetailView,
    TaskListView,
)
from cases.api import CaseViewSet
from cases.views import CaseDetailView, CaseListView
from common import api as common_api
from common import views as common_views
from contacts.api import ContactViewSet
from contacts.views import ContactDetailView, ContactListView
from invoices.api import EstimateViewSet, ProductViewSet
from invoices.views import EstimateDetailView, EstimateListView, ProductDetailView, ProductListView
from leads.api import LeadViewSet
from leads.views import LeadDetailView, LeadListView
from opportunity.api import OpportunityViewSet
from opportunity.views import OpportunityDetailView, OpportunityListView
from orders.api import OrderViewSet
from orders.views import OrderDetailView, OrderListView

router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("products", ProductViewSet, basename="product")
router.register("estimates", EstimateViewSet, basename="estimate")
router.register("orders", OrderViewSet, basename="order")
router.register("leads", LeadViewSet, basename="lead")
router.register("cases", CaseViewSet, basename="case")
router.register("tasks", TaskViewSet, basename="task")
router.register("events", EventViewSet, basename="event")
router.register("notes", NoteViewSet, basename="note")

urlpatterns = [
    path("api/auth/login/", common_api.LoginView.as_view(), name="api-login"),
    path("api/auth/refresh/", common_api.RefreshView.as_view(), name="api-refresh"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/salesforce/", include("salesforce_imports.api.urls")),
    path("api/custom-fields/", include("salesforce_imports.api.custom_fields_urls")),
    path("api/", include(router.urls)),
    path("login/", common_views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("switch-org/", common_views.switch_org, name="switch-org"),
    path("", common_views.home, name="home"),
    path("accounts/", AccountListView.as_view(), name="account-list"),
    path("accounts/<uuid:pk>/", AccountDetailView.as_view(), name="account-detail"),
    path("contacts/", ContactListView.as_view(), name="contact-list"),
    path("contacts/<uuid:pk>/", ContactDetailView.as_view(), name="contact-detail"),
    path("opportunities/", OpportunityListView.as_view(), name="opportunity-list"),
    path("opportunities/<uuid:pk>/", OpportunityDetailView.as_view(), name="opportunity-detail"),
    path("products/", ProductListView.as_view(), name="product-list"),
    path("products/<uuid:pk>/", ProductDetailView.as_view(), name="product-detail"),
    path("estimates/", EstimateListView.as_view(), name="estimate-list"),
    path("estimates/<uuid:pk>/", EstimateDetailView.as_view(), name="estimate-detail"),
    path("orders/", OrderListView.as_view(), name="order-list"),
    path("orders/<uuid:pk>/", OrderDetailView.as_view(), name="order-detail"),
    path("leads/", LeadListView.as_view(), name="lead-list"),
    path("leads/<uuid:pk>/", LeadDetailView.as_view(), name="lead-detail"),
    path("cases/", CaseListView.as_view(), name="case-list"),
    path("cases/<uuid:pk>/", CaseDetailView.as_view(), name="case-detail"),
    path("tasks/", TaskListView.as_view(), name="task-list"),
    path("tasks/<uuid:pk>/", TaskDetailView.as_view(), name="task-detail"),
    path("events/", EventListView.as_view(), name="event-list"),
    path("events/<uuid:pk>/", EventDetailView.as_view(), name="event-detail"),
    path("notes/", NoteListView.as_view(), name="note-list"),
    path("notes/<uuid:pk>/", NoteDetailView.as_view(), name="note-detail"),
    path("", include("salesforce_imports.web.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "common.exceptions.api_aware_404"
handler500 = "common.exceptions.api_aware_500"
