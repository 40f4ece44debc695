"""Inventory's workspace pages, mounted at /inventory/ (namespace "inventory")."""

from django.urls import path

from . import views, views_counts

app_name = "inventory"

urlpatterns = [
    path("", views.products, name="home"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<int:pk>/", views.product, name="product"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/move/", views.product_move, name="product_move"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path("movements/", views.movements, name="movements"),
    path("movements/new/", views.movement_new, name="movement_new"),
    path("counts/", views_counts.counts, name="counts"),
    path("counts/new/", views_counts.count_new, name="count_new"),
    path("counts/<int:pk>/", views_counts.count, name="count"),
    path("counts/<int:pk>/preview/", views_counts.count_preview, name="count_preview"),
    path("counts/<int:pk>/items/", views_counts.count_item, name="count_item"),
    path("counts/<int:pk>/complete/", views_counts.count_complete, name="count_complete"),
    path("counts/<int:pk>/delete/", views_counts.count_delete, name="count_delete"),
]
