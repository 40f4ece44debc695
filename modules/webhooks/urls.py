"""The webhooks pages, mounted at /webhooks/ (namespace "webhooks")."""

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.endpoint, name="endpoint"),
    path("<int:pk>/test/", views.endpoint_test, name="endpoint_test"),
    path("<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("<int:pk>/deliveries/<int:delivery_id>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
]
