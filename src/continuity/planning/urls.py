from django.urls import path

from continuity.planning import views

app_name = "planning"

urlpatterns = [
    path("planning/", views.index, name="index"),
    path("planning/new/", views.new, name="new"),
    path("planning/how-many/", views.how_many, name="how-many"),
    path("planning/compare/", views.compare, name="compare"),
    path("planning/compare.csv", views.compare_csv, name="compare-csv"),
    path("planning/<int:pk>/", views.detail, name="detail"),
    path("planning/<int:pk>.csv", views.detail_csv, name="detail-csv"),
]
