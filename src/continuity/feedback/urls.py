from django.urls import path

from continuity.feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/<str:token>/", views.answer, name="answer"),
    path("my/feedback/", views.mine, name="mine"),
]
