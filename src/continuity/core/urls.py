from django.urls import path

from continuity.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("access-review/", views.access_review, name="access-review"),
]
