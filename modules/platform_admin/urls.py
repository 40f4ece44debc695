from django.urls import path

from . import views

app_name = "platform_admin"

urlpatterns = [
    path("", views.tenants, name="tenants"),
    path("tenants/<int:pk>/status/", views.tenant_status, name="tenant_status"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
