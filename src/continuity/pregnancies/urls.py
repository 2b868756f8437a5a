from django.urls import path

from continuity.pregnancies import views

app_name = "pregnancies"

urlpatterns = [
    path("women/<uuid:ref>/", views.woman, name="woman"),
    path("book/", views.book, name="book"),
    path("women/<uuid:ref>/void/<slug:kind>/<int:pk>/", views.void_entry, name="void"),
]
