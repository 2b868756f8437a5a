"""The MSDS-shaped tables the measures engine reads and `continuity export-msds` writes.

Table and column names follow the Maternity Services Data Set v2 where MSDS has them. Tables
whose names start with `LOCAL` are ours: facts the national data set does not carry but our local
measures need (her buddy; the guideline contacts due). `IMD_LSOA` is reference data.

Types are SQL types, kept to what Spark SQL and DuckDB share: VARCHAR, INTEGER, DATE, TIME.
Codes are strings ("05", "Y", "5"); identifiers are strings, so a trust's own ids fit.
"""

from __future__ import annotations

from typing import Final

Column = tuple[str, str]  # (name, SQL type)

TABLES: Final[dict[str, tuple[Column, ...]]] = {
    "MSD001MotherDemog": (
        ("Person_ID_Mother", "VARCHAR"),
        ("EthnicCategoryMother", "VARCHAR"),  # NHS Data Dictionary code, "Z" and "99" distinct
        ("LSOAMother2011", "VARCHAR"),
    ),
    "MSD101PregnancyBooking": (
        ("UniqPregID", "VARCHAR"),
        ("Person_ID_Mother", "VARCHAR"),
        ("AntenatalAppDate", "DATE"),  # the booking appointment
        ("GestAgeBooking", "INTEGER"),  # days; null when not recorded
        ("EDDAgreed", "DATE"),
        ("PreviousLiveBirths", "INTEGER"),
        ("DischargeDateMatService", "DATE"),
        ("OrgSiteIDBooking", "VARCHAR"),
    ),
    "MSD102MatCarePlan": (
        ("UniqPregID", "VARCHAR"),
        ("CarePlanDate", "DATE"),
        ("CarePlanType", "VARCHAR"),  # 05 antenatal, 06 birth, 07 postpartum
        ("ContCarePathInd", "VARCHAR"),  # Y / N / null
        ("MatPersCarePlanInd", "VARCHAR"),  # Y / N / null
        ("CareProfLID", "VARCHAR"),  # the named professional
        ("TeamLocalID", "VARCHAR"),  # the named team
    ),
    "MSD201CareContactPreg": (
        ("UniqPregID", "VARCHAR"),
        ("CareConID", "VARCHAR"),
        ("CContactDate", "DATE"),
        ("CContactTime", "TIME"),
        ("AttendCode", "VARCHAR"),  # 5 on time, 6 late but seen, 7, 2, 3, 4, 0
        ("LocCode", "VARCHAR"),
    ),
    "MSD202CareActivityPreg": (
        ("CareConID", "VARCHAR"),
        ("CareProfLID", "VARCHAR"),
        ("TeamLocalID", "VARCHAR"),
    ),
    "MSD301LabourDelivery": (
        ("UniqPregID", "VARCHAR"),
        ("LabourDeliveryID", "VARCHAR"),
        ("LabourOnsetDate", "DATE"),
        ("SettingIntraCare", "VARCHAR"),
    ),
    "MSD302CareActivityLabDel": (
        ("LabourDeliveryID", "VARCHAR"),
        ("CareProfLID", "VARCHAR"),
        ("TeamLocalID", "VARCHAR"),
    ),
    "MSD401BabyDemographics": (
        ("LabourDeliveryID", "VARCHAR"),
        ("PersonBirthDateBaby", "DATE"),
        ("SettingPlaceBirth", "VARCHAR"),
        ("CareProfLIDDel", "VARCHAR"),
    ),
    "MSD901StaffDetails": (
        ("CareProfLID", "VARCHAR"),
        ("StaffGroup", "VARCHAR"),
    ),
    "IMD_LSOA": (
        ("LSOA", "VARCHAR"),
        ("IMD_Decile", "INTEGER"),  # 1 = most deprived 10%
    ),
    # Local: her buddy (second midwife) while on a continuity pathway.
    "LOCALBuddy": (
        ("UniqPregID", "VARCHAR"),
        ("CareProfLIDBuddy", "VARCHAR"),
    ),
    # Local: each guideline contact due (schedule engine), with its clinical window.
    "LOCALGuidelineContact": (
        ("UniqPregID", "VARCHAR"),
        ("ScheduleCode", "VARCHAR"),
        ("WindowStartDate", "DATE"),
        ("WindowEndDate", "DATE"),
    ),
}

# Tables the national measures cannot do without; the LOCAL ones and the staff table may be
# absent (their measures then report an empty denominator).
REQUIRED: Final[tuple[str, ...]] = (
    "MSD001MotherDemog",
    "MSD101PregnancyBooking",
    "MSD102MatCarePlan",
    "MSD201CareContactPreg",
    "MSD202CareActivityPreg",
    "MSD301LabourDelivery",
    "MSD302CareActivityLabDel",
    "MSD401BabyDemographics",
    "IMD_LSOA",
)


def columns(table: str) -> tuple[str, ...]:
    return tuple(name for name, _ in TABLES[table])
