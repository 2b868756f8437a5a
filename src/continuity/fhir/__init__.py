"""A read-only FHIR R4 (UK Core) facade over Continuity's records, at /fhir/R4/ (issue 9)."""
