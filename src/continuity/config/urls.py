from django.contrib import admin
from django.urls import include, path

from continuity.core import views as core_views

urlpatterns = [
    # First: the admin's lists resolve each row's link (to keep the filters), and a match here
    # skips every app's patterns. Nothing else starts with "django-admin/".
    path("django-admin/", admin.site.urls),
    path("", include("continuity.core.urls")),
    path("", include("continuity.accounts.urls")),
    path("", include("continuity.caseloads.urls")),
    path("", include("continuity.pregnancies.urls")),
    path("", include("continuity.allocation.urls")),
    path("", include("continuity.cover.urls")),
    path("", include("continuity.visits.urls")),
    path("", include("continuity.assurance.urls")),
    path("", include("continuity.plans.urls")),
    path("", include("continuity.concerns.urls")),
    path("", include("continuity.referrals.urls")),
    path("", include("continuity.planning.urls")),
    path("", include("continuity.governance.urls")),
    path("", include("continuity.governance.public_urls")),
    path("fhir/R4/", include("continuity.fhir.urls")),
    path("", include("continuity.api.urls")),
    path("", include("continuity.feedback.urls")),
    path("my/", include("continuity.portal.urls")),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
