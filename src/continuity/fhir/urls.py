"""A read-only FHIR R4 (UK Core) facade over Continuity's records, at /fhir/R4/ (issue 9).

For each resource type: `<Type>` (search, GET), `<Type>/_search` (search, POST, form-encoded)
and `<Type>/<id>` (read). Anything else under /fhir/R4/ is a 404 OperationOutcome.
"""

from django.urls import URLPattern, path, re_path

from continuity.fhir import views
from continuity.fhir.resources import KINDS

app_name = "fhir"

urlpatterns: list[URLPattern] = [path("metadata", views.metadata, name="metadata")]
for _name in KINDS:
    _slug = _name.lower()
    _kind = {"type_name": _name}
    urlpatterns += [
        path(_name, views.search_get, _kind, name=f"{_slug}-search"),
        path(f"{_name}/_search", views.search_post, _kind, name=f"{_slug}-search-post"),
        path(f"{_name}/<str:logical_id>", views.read, _kind, name=f"{_slug}-read"),
    ]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"))
