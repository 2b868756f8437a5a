from django.urls import path

from continuity.allocation import views

app_name = "allocation"

urlpatterns = [
    path("allocation/", views.queue, name="queue"),
    path("allocation/accept/", views.accept, name="accept"),
    path("allocation/women/<uuid:ref>/", views.decide, name="decide"),
    path("allocation/capacity/", views.capacity, name="capacity"),
    path("allocation/handover/", views.handover, name="handover"),
]
