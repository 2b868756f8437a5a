from django.urls import path

from continuity.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.mine, name="mine"),
    path("referrals/<int:pk>/", views.detail, name="detail"),
    path("women/<uuid:ref>/referrals/new/", views.new_referral, name="new"),
    path("women/<uuid:ref>/place-of-birth/", views.place_of_birth, name="place"),
]
