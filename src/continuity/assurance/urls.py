from django.urls import path

from continuity.assurance import views

app_name = "assurance"

urlpatterns = [
    path("continuity-at-risk/", views.continuity_at_risk, name="at-risk"),
    path("measures/", views.measures, name="measures"),
    path("measures/board-report/", views.board_pack, name="board-pack"),
    path("measures/board-report.pdf", views.board_pack_pdf, name="board-pack-pdf"),
    path("public/continuity/", views.public, name="public"),
    path("public/continuity.csv", views.public_csv, name="public-csv"),
]
