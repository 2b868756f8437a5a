"""Working days: Monday to Friday less bank holidays, for complaint and concern deadlines.
England and Wales bank holidays 2018–2030 are held as data. See docs/engines/workingdays.md."""

from continuity.engines.workingdays.calendar import (
    BankHoliday,
    Calendar,
    HolidayList,
    WorkingDaysInputError,
)
from continuity.engines.workingdays.io import (
    DIVISIONS,
    calendar_from_holidays,
    calendar_from_json,
    default_calendar,
    england_and_wales,
    holiday_list_from_dict,
    holiday_list_from_json,
)

__all__ = [
    "DIVISIONS",
    "BankHoliday",
    "Calendar",
    "HolidayList",
    "WorkingDaysInputError",
    "calendar_from_holidays",
    "calendar_from_json",
    "default_calendar",
    "england_and_wales",
    "holiday_list_from_dict",
    "holiday_list_from_json",
]
