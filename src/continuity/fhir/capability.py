"""The CapabilityStatement at /fhir/R4/metadata, built from the resource registry so it lists
exactly what the facade does."""

from __future__ import annotations

from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from continuity.fhir.resources import KINDS, Kind

PARAM_TYPES = {
    "_id": "token",
    "_lastUpdated": "date",
    "identifier": "token",
    "patient": "reference",
    "date": "date",
    "status": "token",
}
PARAM_DOCS = {
    "_id": "Logical id; several separated by commas",
    "_lastUpdated": "meta.lastUpdated, with prefixes eq, ge, le, gt, lt",
    "identifier": "system|value",
    "patient": "Patient/<id> or <id>; several separated by commas",
    "date": "With prefixes eq, ge, le, gt, lt",
    "status": "FHIR status codes; several separated by commas",
}
SECURITY = (
    "Every request except this CapabilityStatement needs a caller: a Continuity API token sent "
    "as 'Authorization: Bearer cty_…' (made by an administrator for one user account), or a "
    "signed-in Continuity session. The token acts as its user: her role and care relationships "
    "scope every read exactly as the pages do, and a record out of scope is 404. Every read or "
    "search hit of a woman's record writes an access event. Search by NHS number only with POST "
    "[base]/Patient/_search, so the number never appears in a URL."
)


def _resource(kind: Kind) -> dict[str, object]:
    params = [
        {
            "name": name,
            "type": PARAM_TYPES[name],
            "documentation": kind.params.docs.get(name) or PARAM_DOCS[name],
        }
        for name in kind.params.names
    ]
    return {
        "type": kind.name,
        "documentation": kind.description,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "conditionalRead": "not-supported",
        "searchParam": params,
    }


def capability_statement(base_url: str) -> CapabilityStatement:
    return CapabilityStatement(
        status="active",
        date=timezone.now(),
        publisher="Continuity",
        kind="instance",
        software={"name": "Continuity FHIR facade"},
        implementation={
            "description": "Continuity: a read-only FHIR R4 (UK Core) facade",
            "url": base_url,
        },
        fhirVersion="4.0.1",
        format=["json", "application/fhir+json"],
        rest=[
            {
                "mode": "server",
                "documentation": "Read-only. Search results are Bundles of type searchset, "
                "paged with _count (default 20, at most 100) and _offset. An unknown search "
                "parameter is an error (400, OperationOutcome), not ignored.",
                "security": {"cors": False, "description": SECURITY},
                "resource": [_resource(kind) for kind in KINDS.values()],
                "searchParam": [
                    {
                        "name": "_count",
                        "type": "number",
                        "documentation": "Page size: default 20, at most 100; 0 gives the total",
                    },
                    {"name": "_offset", "type": "number", "documentation": "Where the page starts"},
                ],
            }
        ],
    )
