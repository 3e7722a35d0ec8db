"""Pages of the shared kernel: login, logout, home, job progress."""

from django.contrib.auth import views as auth_views
from django.urls import path

from shian.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("healthz", views.healthz, name="healthz"),
]
