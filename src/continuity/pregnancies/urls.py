from django.urls import path

from continuity.pregnancies import views

app_name = "pregnancies"

urlpatterns = [
    path("women/<uuid:ref>/", views.woman, name="woman"),
    path("book/", views.book, name="book"),
]
