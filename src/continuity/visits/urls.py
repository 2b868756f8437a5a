from django.urls import path

from continuity.visits import views

app_name = "visits"

urlpatterns = [
    path("visits/today/", views.today, name="today"),
    path("visits/plan/", views.planner, name="planner"),
    path("visits/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("my/visits/", views.my_visits, name="mine"),
    path("my/visits/<int:pk>/move/", views.ask_to_move, name="move"),
    path("my/visits/times/", views.preferred_times, name="times"),
]
