from django.urls import path

from continuity.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("access/", views.access_history, name="access-history"),
    path("sign-in/", views.request_link, name="request-link"),
    path("nhs-login/", views.nhs_login_start, name="nhs-login"),
    path("nhs-login/callback/", views.nhs_login_callback, name="nhs-login-callback"),
    path("sign-in/<str:token>/", views.use_link, name="link"),
]
