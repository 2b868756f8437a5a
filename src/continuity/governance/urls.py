from django.urls import path

from continuity.governance import views

app_name = "governance"

urlpatterns = [
    path("action-plan/", views.plan, name="plan"),
    path("action-plan/details/", views.edit_plan, name="edit-plan"),
    path("action-plan/changes/", views.history, name="history"),
    path("action-plan/aims/new/", views.new_aim, name="new-aim"),
    path("action-plan/aims/<int:pk>/", views.aim, name="aim"),
    path("action-plan/actions/new/", views.new_action, name="new-action"),
    path("action-plan/actions/<int:pk>/", views.action, name="action"),
    path("action-plan/risks/new/", views.new_risk, name="new-risk"),
    path("action-plan/risks/<int:pk>/", views.risk, name="risk"),
    path("action-plan/reviews/", views.reviews, name="reviews"),
    path("action-plan/reviews/<str:month>/", views.review, name="review"),
    path("action-plan/comments/", views.comments, name="comments"),
    path("action-plan/comments/<int:pk>/", views.comment, name="comment"),
    path("voices/", views.voices, name="voices"),
]
