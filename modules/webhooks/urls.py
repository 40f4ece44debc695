"""The webhooks pages, mounted at /webhooks/ (namespace "webhooks"). A webhook's pages sit under
endpoints/<id>/: /webhooks/<one segment>/ is the inbound providers' home (innexar/urls_tenant.py)."""

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.home, name="home"),
    path("endpoints/<int:pk>/", views.endpoint, name="endpoint"),
    path("endpoints/<int:pk>/test/", views.endpoint_test, name="endpoint_test"),
    path("endpoints/<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path(
        "endpoints/<int:pk>/deliveries/<int:delivery_id>/redeliver/", views.delivery_redeliver,
        name="delivery_redeliver",
    ),
]
