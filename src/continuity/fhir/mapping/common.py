"""Small shared pieces of the mappers: logical ids, references, codings and meta."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import ObjectDoesNotExist

from continuity.accounts.models import Role
from continuity.fhir import systems

Json = dict[str, Any]

# A logical id `local_id` can make: letters, digits, "-" and ".XX" escapes, at most 64 long.
_LOGICAL_ID = re.compile(r"^(?:[A-Za-z0-9-]|\.[0-9A-F]{2}){1,64}$")


def local_id(value: str) -> str:
    """A local id (a professional or team id) as a FHIR logical id, which allows only
    `A-Z a-z 0-9 - .`: any other character, and `.` itself, becomes `.XX` (its UTF-8 bytes in
    hex). Reversible by `from_local_id`, so "P0001" stays "P0001"."""
    out = []
    for ch in value:
        if ch.isascii() and (ch.isalnum() or ch == "-"):
            out.append(ch)
        else:
            out.extend(f".{byte:02X}" for byte in ch.encode())
    return "".join(out)


def from_local_id(value: str) -> str | None:
    """The local id a logical id stands for, or None if it is not one `local_id` makes."""
    if not _LOGICAL_ID.match(value):
        return None
    raw = re.sub(r"\.([0-9A-F]{2})", lambda m: "%" + m.group(1), value)
    try:
        return unquote_to_bytes(raw).decode()
    except UnicodeDecodeError:
        return None


def coding(system: str, code: str, display: str | None = None) -> Json:
    return {"system": system, "code": code, "display": display or None}


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    return {"coding": [coding(system, code, display)], "text": text or None}


def local_concept(code_system: str, code: str, display: Any = None) -> Json:
    return concept(systems.code_system(code_system), code, str(display) if display else None)


def meta(updated: datetime | None, version: int | None = None) -> Json | None:
    if updated is None:
        return None
    return {"lastUpdated": updated, "versionId": str(version) if version is not None else None}


def patient_ref(woman: Any) -> Json:
    return {"reference": f"Patient/{woman.ref}"}


def episode_ref(pregnancy: Any) -> Json:
    return {"reference": f"EpisodeOfCare/{pregnancy.ref}"}


def practitioner_ref(midwife: Any) -> Json:
    return {
        "reference": f"Practitioner/{local_id(midwife.professional_id)}",
        "display": str(midwife.user),
    }


def care_team_ref(team: Any) -> Json:
    return {"reference": f"CareTeam/{local_id(team.local_id)}", "display": team.name}


def organisation_ref(trust: Any) -> Json:
    """A logical reference to the trust by its ODS code (the facade serves no Organization)."""
    return {
        "identifier": {"system": systems.ODS_ORGANISATION, "value": trust.ods_code},
        "display": trust.name,
    }


def site_ref(site: Any) -> Json:
    return {
        "identifier": {"system": systems.ODS_SITE, "value": site.ods_code},
        "display": site.name,
    }


def midwife_of(user: Any) -> Any:
    """The user's Midwife row when it was loaded with select_related, else None (no query)."""
    if user is None:
        return None
    try:
        return user.midwife
    except ObjectDoesNotExist:  # the user is not a midwife
        return None


def user_ref(user: Any, woman: Any = None) -> Json | None:
    """Who a user is, as a reference: Practitioner for a midwife, Patient for the woman
    herself (when `woman` is her), else just a display."""
    if user is None:
        return None
    midwife = midwife_of(user)
    if midwife is not None:
        return practitioner_ref(midwife)
    if woman is not None and user.role == Role.WOMAN and woman.user_id == user.pk:
        return {**patient_ref(woman), "display": str(woman)}
    return {"display": str(user)}


def drop_empty(items: list[Any]) -> list[Any] | None:
    kept = [i for i in items if i]
    return kept or None
