from django.urls import path

from continuity.assurance import views

app_name = "assurance"

urlpatterns = [
    path("continuity-at-risk/", views.continuity_at_risk, name="at-risk"),
]
