from django.urls import path

from continuity.caseloads import views

app_name = "caseloads"

urlpatterns = [
    path("caseload/", views.my_caseload, name="mine"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
]
