"""factory_boy factories and a small, explicit world for integration tests."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from continuity.accounts.models import Role, User
from continuity.core.identifiers import synthetic_nhs_number
from continuity.organisations.models import Site, Team, Trust
from continuity.pregnancies.models import Assignment, Pregnancy, Woman
from continuity.workforce.models import Midwife

_rng = random.Random(20261121)


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("ods_code",)

    name = "Northbrook Teaching Hospitals NHS Trust"
    ods_code = "RXX"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    ods_code = factory.Sequence(lambda n: f"RXX{n:02d}")
    kind = Site.Kind.OBSTETRIC_UNIT
    triage_phone = "0113 000 0000"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    local_id = factory.Sequence(lambda n: f"T{n:02d}")
    care_model = Team.Model.CONTINUITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    role = Role.MIDWIFE
    password = factory.django.Password("test-password-123")


class MidwifeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Midwife

    user = factory.SubFactory(UserFactory)
    professional_id = factory.Sequence(lambda n: f"P{n:04d}")
    team = factory.SubFactory(TeamFactory)
    wte = Decimal("1.00")
    start_date = date(2020, 1, 1)
    phone = "07700 900000"


class WomanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Woman

    nhs_number = factory.LazyFunction(lambda: synthetic_nhs_number(_rng))
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = date(1992, 3, 15)
    postcode = "NB1 2AB"
    ethnic_category = "A"


class PregnancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pregnancy

    woman = factory.SubFactory(WomanFactory)
    booking_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    ga_at_booking_days = 70
    edd = factory.LazyAttribute(lambda o: o.booking_date + timedelta(days=280 - 70))
    booking_site = factory.SubFactory(SiteFactory)
    hospital_of_choice = factory.SelfAttribute("booking_site")
    status = Pregnancy.Status.ANTENATAL


def assign(pregnancy, team, named=None, buddy=None):
    return Assignment.objects.create(
        pregnancy=pregnancy, team=team, named_midwife=named, buddy=buddy
    )


@dataclass
class World:
    trust: Trust
    site: Site
    team_a: Team
    team_b: Team
    traditional: Team
    midwife_a: Midwife  # named midwife for woman_a
    buddy_a: Midwife  # her buddy
    colleague_a: Midwife  # another midwife in team A
    leader_a: Midwife  # team leader of team A
    midwife_b: Midwife  # a midwife in team B: no relationship with woman_a
    manager: User
    board: User
    privacy: User
    admin: User
    woman_user: User
    pregnancy_a: Pregnancy
    pregnancy_b: Pregnancy

    @property
    def woman_a(self) -> Woman:
        return self.pregnancy_a.woman


def build_world() -> World:
    trust = TrustFactory()
    site = SiteFactory(trust=trust, name="Northbrook General")
    team_a = TeamFactory(trust=trust, name="Riverside", local_id="TA")
    team_b = TeamFactory(trust=trust, name="Hillside", local_id="TB")
    traditional = TeamFactory(
        trust=trust, name="Community", local_id="TC", care_model=Team.Model.TRADITIONAL
    )
    midwife_a = MidwifeFactory(team=team_a, user__username="mw_a", user__display_name="Ann Named")
    buddy_a = MidwifeFactory(team=team_a, user__username="mw_buddy", user__display_name="Bea Buddy")
    colleague_a = MidwifeFactory(team=team_a, user__username="mw_colleague")
    leader_a = MidwifeFactory(team=team_a, user__username="leader_a", user__role=Role.TEAM_LEADER)
    midwife_b = MidwifeFactory(team=team_b, user__username="mw_b")
    midwife_a.buddy = buddy_a
    midwife_a.save()
    manager = UserFactory(username="manager", role=Role.SERVICE_MANAGER)
    for team in (team_a, team_b, traditional):
        team.managers.add(manager)
    woman_user = UserFactory(username="woman", role=Role.WOMAN)
    pregnancy_a = PregnancyFactory(booking_site=site, woman__user=woman_user)
    assign(pregnancy_a, team_a, named=midwife_a, buddy=buddy_a)
    pregnancy_b = PregnancyFactory(booking_site=site)
    assign(pregnancy_b, team_b, named=midwife_b)
    return World(
        trust=trust,
        site=site,
        team_a=team_a,
        team_b=team_b,
        traditional=traditional,
        midwife_a=midwife_a,
        buddy_a=buddy_a,
        colleague_a=colleague_a,
        leader_a=leader_a,
        midwife_b=midwife_b,
        manager=manager,
        board=UserFactory(username="board", role=Role.BOARD),
        privacy=UserFactory(username="privacy", role=Role.PRIVACY_OFFICER),
        admin=UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        woman_user=woman_user,
        pregnancy_a=pregnancy_a,
        pregnancy_b=pregnancy_b,
    )
