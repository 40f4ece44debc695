from django.urls import path

from . import views

app_name = "marketing"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("signup/", views.signup, name="signup"),
    path("sign-in/", views.find_workspace, name="find_workspace"),
]
