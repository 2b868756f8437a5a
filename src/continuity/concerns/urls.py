from django.urls import path

from continuity.concerns import views

app_name = "concerns"

urlpatterns = [
    path("my/tell-us/", views.my_concerns, name="mine"),
    path("my/tell-us/new/", views.my_new_concern, name="my-new"),
    path("my/tell-us/<int:pk>/", views.my_concern, name="my-concern"),
    path("concerns/", views.queue, name="queue"),
    path("concerns/<int:pk>/", views.detail, name="detail"),
    path("concerns/you-said-we-did/", views.you_said_we_did, name="you-said-we-did"),
    path("women/<uuid:ref>/concerns/new/", views.raise_for_her, name="raise-for-her"),
]
