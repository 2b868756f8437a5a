from django.urls import path

from continuity.plans import views

app_name = "plans"

urlpatterns = [
    path("women/<uuid:ref>/plan/", views.woman_plan, name="woman"),
    path("my/plan/", views.my_plan, name="mine"),
    path("my/plan/print/", views.my_plan_print, name="print"),
    path("my/plan.pdf", views.my_plan_pdf, name="pdf"),
]
