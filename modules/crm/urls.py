"""The CRM's workspace pages, mounted at /crm/ (namespace "crm")."""

from django.urls import path

from . import views

app_name = "crm"

urlpatterns = [
    path("", views.home, name="home"),
    path("leads/", views.leads, name="leads"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/status/", views.leads_bulk_status, name="leads_bulk_status"),
    path("leads/import/", views.leads_import, name="leads_import"),
    path("leads/import/<int:pk>/", views.lead_import, name="lead_import"),
    path("leads/import/<int:pk>/rejected.csv", views.lead_import_rejected, name="lead_import_rejected"),
    path("leads/<int:pk>/", views.lead, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:pk>/score/", views.lead_score, name="lead_score"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/delete/", views.lead_delete, name="lead_delete"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/deals/<int:pk>/move/", views.pipeline_move, name="pipeline_move"),
    path("pipeline/deals/<int:pk>/won/", views.pipeline_won, name="pipeline_won"),
    path("pipeline/deals/<int:pk>/lost/", views.pipeline_lost, name="pipeline_lost"),
    path("deals/new/", views.deal_new, name="deal_new"),
    path("deals/<int:pk>/", views.deal, name="deal"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/delete/", views.deal_delete, name="deal_delete"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity_complete"),
    path("lookup/", views.lookup, name="lookup"),
]
