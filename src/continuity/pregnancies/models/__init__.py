from continuity.pregnancies.models.care import (
    AvailabilityWindow,
    CarePlanRecord,
    Contact,
    ContactProfessional,
    LabourProfessional,
    LabourRecord,
)
from continuity.pregnancies.models.people import (
    Assignment,
    Pregnancy,
    PregnancyTransition,
    Woman,
)

__all__ = [
    "Assignment",
    "AvailabilityWindow",
    "CarePlanRecord",
    "Contact",
    "ContactProfessional",
    "LabourProfessional",
    "LabourRecord",
    "Pregnancy",
    "PregnancyTransition",
    "Woman",
]
