from django.urls import path

from continuity.cover import views

app_name = "cover"

urlpatterns = [
    path("rota/", views.mine, name="mine"),
    path("rota/time-away/", views.request_absence, name="request"),
    path("rota/time-away/<int:pk>/cancel/", views.cancel_absence, name="cancel"),
    path("rota/my-rota.ics", views.rota_ics, name="ics"),
    path("rota/call-out/", views.call_out, name="call-out"),
    path("rota/call-out/<int:pk>/visits/", views.call_out_visits, name="call-out-visits"),
    path("rota/covering/", views.covering, name="covering"),
    path("cover/", views.team_calendar, name="team"),
    path("cover/forecast/", views.forecast, name="forecast"),
    path("cover/rest/", views.rest_rules, name="rest"),
    path("cover/requests/", views.requests, name="requests"),
    path("cover/requests/new/", views.record_absence, name="record"),
    path("cover/requests/<int:pk>/", views.decide, name="decide"),
    path("cover/shifts/", views.add_shifts, name="shifts"),
    path("cover/shifts/<int:pk>/", views.shift, name="shift"),
]
