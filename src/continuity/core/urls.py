from django.urls import path

from continuity.core import retention_views, views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("access-review/", views.access_review, name="access-review"),
    path("access-review/<int:pk>/", views.review_emergency_access, name="review-emergency"),
    path("emergency-access/", views.emergency_access, name="emergency-access"),
    path("retention-review/", retention_views.retention_list, name="retention"),
    path("retention-review/<int:pk>/", retention_views.retention_decide, name="retention-decide"),
]
