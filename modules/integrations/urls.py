from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.home, name="home"),
    path("quickbooks/connect/", views.quickbooks_connect, name="quickbooks_connect"),
    path("quickbooks/sync/", views.quickbooks_sync, name="quickbooks_sync"),
    path("quickbooks/disconnect/", views.quickbooks_disconnect, name="quickbooks_disconnect"),
    path("whatsapp/connect/", views.whatsapp_connect, name="whatsapp_connect"),
    path("whatsapp/disconnect/", views.whatsapp_disconnect, name="whatsapp_disconnect"),
]
