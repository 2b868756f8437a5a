"""The published action plan: no sign-in (see continuity.governance.public_views)."""

from django.urls import path

from continuity.governance import public_views
from continuity.governance.feeds import ReviewsFeed

app_name = "published"

urlpatterns = [
    path("public/continuity/plan/", public_views.plan, name="plan"),
    path("public/continuity/plan/reviews/<str:month>/", public_views.review, name="review"),
    path("public/continuity/plan/feed.atom", ReviewsFeed(), name="feed"),
    path("public/continuity/summary/", public_views.summary, name="summary"),
    path("public/continuity/summary.pdf", public_views.summary_pdf, name="summary-pdf"),
]
