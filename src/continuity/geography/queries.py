"""Postcode → LSOA → IMD decile, from the most recent imported edition. Unknown stays unknown."""

from __future__ import annotations

from dataclasses import dataclass

from continuity.geography.models import LookupEdition, LsoaDeprivation, Postcode


@dataclass(frozen=True)
class Area:
    lsoa: str
    imd_decile: int | None
    lat: float | None
    lon: float | None
    edition: LookupEdition | None


NOT_KNOWN = Area("", None, None, None, None)


def lookup(postcode: str) -> Area:
    edition = LookupEdition.objects.order_by("-imported_at", "-id").first()
    if edition is None:
        return NOT_KNOWN
    row = Postcode.objects.filter(edition=edition, postcode=postcode).first()
    if row is None:
        return Area("", None, None, None, edition)
    decile = (
        LsoaDeprivation.objects.filter(edition=edition, lsoa=row.lsoa)
        .values_list("imd_decile", flat=True)
        .first()
    )
    return Area(row.lsoa, decile, row.lat, row.lon, edition)
