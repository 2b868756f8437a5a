"""The plan's sections and headings, after the Digital Maternity Record Standard (DMRS).

Each heading says who writes it: the woman ("her" words: what matters to her, her preferences),
the midwife (clinical facts and advice), or both. The woman edits her headings on her own pages;
the midwife edits hers and records each discussion. A section is agreed together at a contact,
which writes the national care plan record (MSD102, type 05/06/07, personalised plan: Y).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

WOMAN, MIDWIFE, BOTH = "woman", "midwife", "both"
ANTENATAL, BIRTH, POSTNATAL = "antenatal", "birth", "postnatal"
MAX_TEXT = 2000  # characters a heading can hold


@dataclass(frozen=True)
class Heading:
    key: str
    label: Any
    writer: str  # WOMAN, MIDWIFE or BOTH
    hint: Any


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    plan_type: str  # the MSD102 CarePlanType written when the section is agreed
    by_days: int  # the planning point: agreed by this gestational age (days)
    headings: tuple[Heading, ...]


SECTIONS: Final[tuple[Section, ...]] = (
    Section(
        ANTENATAL,
        _("My pregnancy"),
        "05",
        16 * 7,
        (
            Heading(
                "what_matters",
                _("What matters to me"),
                WOMAN,
                _("The things that are most important to you in your pregnancy and care."),
            ),
            Heading(
                "family_support",
                _("My family and support"),
                WOMAN,
                _("Who supports you, and who you would like involved."),
            ),
            Heading(
                "communication",
                _("Language, culture and communication"),
                WOMAN,
                _("Your language, any interpreter, and cultural or religious needs to know about."),
            ),
            Heading(
                "worries",
                _("Fears and worries"),
                WOMAN,
                _("Anything you are worried about, so we can talk it through."),
            ),
            Heading(
                "health_wellbeing",
                _("My health and wellbeing"),
                BOTH,
                _("Health conditions, medicines, diet, activity and smoking."),
            ),
            Heading(
                "mental_health",
                _("My mental health"),
                BOTH,
                _("How you are feeling, and any support you have had before."),
            ),
            Heading(
                "previous_pregnancies",
                _("Previous pregnancies and births"),
                MIDWIFE,
                _("What happened before that matters for this pregnancy."),
            ),
            Heading(
                "screening",
                _("Screening and tests I have chosen"),
                BOTH,
                _("The screening tests offered, and what you decided."),
            ),
        ),
    ),
    Section(
        BIRTH,
        _("My birth"),
        "06",
        34 * 7,
        (
            Heading(
                "place_of_birth",
                _("Where I plan to give birth"),
                BOTH,
                _("Home, a midwife-led unit or the labour ward, and why."),
            ),
            Heading(
                "birth_preferences",
                _("My birth preferences"),
                WOMAN,
                _("Positions, environment, monitoring, and what you would like to avoid."),
            ),
            Heading(
                "pain_relief",
                _("Pain relief"),
                WOMAN,
                _("What you would like to try, and what you would rather not have."),
            ),
            Heading("birth_partners", _("My birth partners"), WOMAN, _("Who will be with you.")),
            Heading(
                "if_things_change",
                _("If things change"),
                MIDWIFE,
                _("What we agreed if labour does not go as planned."),
            ),
        ),
    ),
    Section(
        POSTNATAL,
        _("After my baby is born"),
        "07",
        36 * 7,
        (
            Heading(
                "feeding",
                _("Feeding my baby"),
                WOMAN,
                _("How you would like to feed your baby, and the support you would like."),
            ),
            Heading(
                "support_at_home",
                _("Support at home"),
                WOMAN,
                _("Who will help you in the first weeks."),
            ),
            Heading(
                "recovery",
                _("My recovery and wellbeing"),
                BOTH,
                _("Your physical recovery and how you are feeling."),
            ),
            Heading(
                "contraception",
                _("Contraception"),
                BOTH,
                _("What you would like to use after the birth."),
            ),
            Heading(
                "baby_care",
                _("Care of my baby"),
                MIDWIFE,
                _("Checks, screening and vaccinations for your baby."),
            ),
        ),
    ),
)

BY_KEY: Final[dict[str, Section]] = {s.key: s for s in SECTIONS}


def heading(section: str, key: str) -> Heading | None:
    found = BY_KEY.get(section)
    return next((h for h in found.headings if h.key == key), None) if found else None


def writable_by(section: str, role: str) -> tuple[Heading, ...]:
    """The headings `role` (WOMAN or MIDWIFE) may write in a section."""
    return tuple(h for h in BY_KEY[section].headings if h.writer in (role, BOTH))
