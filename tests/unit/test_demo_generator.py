"""The synthetic trust generator: pure Python, deterministic, realistic enough to plan with."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta

import nhs_number
import pytest

from continuity.demo.generator import DemoParams, DemoTrust, generate
from continuity.engines import equity
from continuity.engines.geo import normalise_postcode

TODAY = date(2025, 6, 18)
ALLOWED = {
    "": {"booked"},
    "booked": {"antenatal", "transferred_out", "ended"},
    "antenatal": {"postnatal", "transferred_out", "ended"},
    "postnatal": {"discharged", "transferred_out"},
}


@pytest.fixture(scope="module")
def trust() -> DemoTrust:
    return generate(DemoParams(today=TODAY, births_per_year=3000, seed=1))


def _ga_today(p, today=TODAY) -> int:
    return p.ga_at_booking_days + (today - p.booking_date).days


def test_generator_imports_no_django():
    code = (
        "import sys, continuity.demo.generator\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_same_parameters_give_identical_trusts():
    params = DemoParams(today=TODAY, births_per_year=400, seed=7)
    assert generate(params) == generate(params)


def test_different_seed_gives_a_different_trust():
    a = generate(DemoParams(today=TODAY, births_per_year=400, seed=1))
    b = generate(DemoParams(today=TODAY, births_per_year=400, seed=2))
    assert a != b
    assert [w.nhs_number for w in a.women] != [w.nhs_number for w in b.women]


def test_params_are_checked():
    with pytest.raises(ValueError, match="continuity_teams"):
        DemoParams(today=TODAY, continuity_teams=1)
    with pytest.raises(ValueError, match="births"):
        DemoParams(today=TODAY, births_per_year=0)
    assert DemoParams(today=TODAY).teams == 4  # about four continuity teams for 3,000 births


def test_nhs_numbers_are_valid_synthetic_and_unique(trust):
    numbers = [w.nhs_number for w in trust.women]
    assert all(n.startswith("999") and nhs_number.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_edd_is_consistent_with_gestation_at_booking(trust):
    for p in trust.pregnancies:
        assert (p.edd - p.booking_date).days == 280 - p.ga_at_booking_days
        assert p.booking_date <= TODAY
    gas = [p.ga_at_booking_days for p in trust.pregnancies]
    assert sum(56 <= g <= 90 for g in gas) / len(gas) > 0.85  # most book at 8 to 12 weeks


def test_named_midwife_and_buddy_are_different_members_of_her_team(trust):
    team_of = {m.professional_id: m.team for m in trust.midwives}
    named = 0
    for p in trust.pregnancies:
        for a in p.assignments:
            if a.named_midwife is None:
                continue
            named += 1
            assert a.buddy is not None
            assert a.named_midwife != a.buddy
            assert team_of[a.named_midwife] == a.team
            assert team_of[a.buddy] == a.team
    assert named > 500


def test_buddies_pair_within_teams(trust):
    by_id = {m.professional_id: m for m in trust.midwives}
    for m in trust.midwives:
        assert m.buddy is not None and m.buddy != m.professional_id
        assert by_id[m.buddy].team == m.team
        assert by_id[m.buddy].end_date is None
    leavers = [m for m in trust.midwives if m.end_date is not None]
    assert len(leavers) == 2 and all(m.end_date < TODAY for m in leavers)


def test_team_sizes_and_wte(trust):
    cont = [t.local_id for t in trust.teams if t.care_model == "continuity"]
    trad = [t.local_id for t in trust.teams if t.care_model == "traditional"]
    assert cont[:2] == ["T01", "T02"] and len(trad) == 1
    for tid in cont:
        size = sum(1 for m in trust.midwives if m.team == tid and m.end_date is None)
        assert 6 <= size <= 8
    assert all(0.6 <= float(m.wte) <= 1.0 for m in trust.midwives)


def test_ethnic_categories_are_known_and_mixed(trust):
    codes = Counter(w.ethnic_category for w in trust.women)
    assert set(codes) <= set(equity.ETHNIC_CATEGORIES)
    n = len(trust.women)
    assert 0.50 < codes["A"] / n < 0.68
    assert codes["Z"] > 0 and codes["99"] > 0  # not stated and not known stay distinct
    bame = sum(v for k, v in codes.items() if equity.coc_group(k) == "BAME")
    assert 0.15 < bame / n < 0.35


def test_interpreter_need_follows_language(trust):
    assert all(w.preferred_language != "en" for w in trust.women if w.interpreter_needed)
    assert any(w.interpreter_needed for w in trust.women)


def test_postcodes_are_fictional_and_well_formed(trust):
    for pc in trust.city.postcodes:
        assert normalise_postcode(pc.postcode) == pc.postcode
        assert pc.postcode.split()[0] in {f"NB{i}" for i in range(1, 10)}
    assert {ls.imd_decile for ls in trust.city.lsoas} == set(range(1, 11))
    assert all(ls.code.startswith("E0199") for ls in trust.city.lsoas)
    lsoa = {ls.code: ls.imd_decile for ls in trust.city.lsoas}
    assert all(lsoa[w.lsoa] == w.imd_decile for w in trust.women)


def test_inner_city_is_more_deprived(trust):
    city = trust.city
    inner = [ls.imd_decile for ls in city.lsoas if abs(ls.lat - city.lat) < 0.01]
    overall = [ls.imd_decile for ls in city.lsoas]
    assert sum(inner) / len(inner) < sum(overall) / len(overall)


def test_about_36_births_a_year_per_wte_for_continuity_midwives(trust):
    year_ago = TODAY - timedelta(days=365)
    births: dict[str, int] = defaultdict(int)
    for p in trust.pregnancies:
        if p.labour is not None and year_ago <= p.labour.birth_at.date() < TODAY:
            named = p.current_assignment.named_midwife
            if named is not None:
                births[named] += 1
    cont = {t.local_id for t in trust.teams if t.care_model == "continuity"}
    ratios = [
        births[m.professional_id] / float(m.wte)
        for m in trust.midwives
        if m.team in cont and m.end_date is None and m.start_date < year_ago
    ]
    assert len(ratios) >= 15
    mean = sum(ratios) / len(ratios)
    assert 30 <= mean <= 42, mean
    assert all(20 <= r <= 55 for r in ratios), sorted(ratios)


def test_priority_women_are_more_likely_on_continuity(trust):
    women = {w.key: w for w in trust.women}

    def share(pregs):
        return sum(p.care_model == "continuity" for p in pregs) / len(pregs)

    priority, others = [], []
    for p in trust.pregnancies:
        w = women[p.woman]
        is_priority = (
            equity.is_core20(w.imd_decile) or equity.coc_group(w.ethnic_category) == "BAME"
        )
        (priority if is_priority else others).append(p)
    assert share(priority) > share(others) + 0.05


def test_some_women_offered_continuity_decline_it(trust):
    continuity = {t.local_id for t in trust.teams if t.care_model == "continuity"}
    declined = [p for p in trust.pregnancies if p.declined is not None]
    offered = declined + [p for p in trust.pregnancies if p.care_model == "continuity"]
    assert 0.02 < len(declined) / len(offered) < 0.12
    for p in declined:
        team, day = p.declined
        assert team in continuity and p.care_model == "traditional"
        assert day <= TODAY and all(a.named_midwife is None for a in p.assignments)
        assert "Declined continuity" in p.assignments[0].reason
    assert trust.counts()["allocation.AllocationDecision"] == len(declined)


def test_every_stage_is_represented(trust):
    statuses = Counter(p.status for p in trust.pregnancies)
    for status in ("booked", "antenatal", "postnatal", "discharged", "transferred_out", "ended"):
        assert statuses[status] > 0, status
    # New bookings in the last two weeks or so wait for a named midwife.
    for p in trust.pregnancies:
        if p.status == "booked":
            assert p.current_assignment.named_midwife is None
            assert (TODAY - p.booking_date).days <= 16
    antenatal_weeks = {_ga_today(p) // 7 for p in trust.pregnancies if p.status == "antenatal"}
    assert set(range(12, 41)) <= antenatal_weeks
    for p in trust.pregnancies:
        if p.status == "postnatal":
            assert p.labour is not None and (TODAY - p.labour.birth_at.date()).days <= 42


def test_transitions_follow_the_allowed_moves(trust):
    for p in trust.pregnancies:
        status = ""
        last = None
        for t in p.transitions:
            assert t.from_status == status
            assert t.to_status in ALLOWED[status]
            assert last is None or t.at >= last
            status, last = t.to_status, t.at
        assert status == p.status
        if p.status in ("discharged", "transferred_out", "ended"):
            assert p.discharge_date is not None and p.discharge_date <= TODAY


def test_care_plans_have_the_msds_shape_and_edge_cases(trust):
    cont_plans = []
    for p in trust.pregnancies:
        for c in p.care_plans:
            assert c.plan_type in ("05", "06", "07")
            assert c.coc_pathway in ("Y", "N", "")
            assert c.plan_date <= TODAY
        if p.care_model == "continuity":
            cont_plans += [c for c in p.care_plans if c.plan_type == "05"]
        elif p.care_plans:
            assert all(c.coc_pathway in ("N", "") for c in p.care_plans)
    assert all(c.coc_pathway == "Y" for c in cont_plans)
    assert any(c.professional is None for c in cont_plans)
    assert any(c.team is None for c in cont_plans)
    late = [
        p
        for p in trust.pregnancies
        for c in p.care_plans
        if c.plan_type == "05"
        and c.coc_pathway == "Y"
        and c.plan_date > p.booking_date + timedelta(days=203 - p.ga_at_booking_days)
    ]
    assert late  # some plans are dated after 29+0 weeks
    types = Counter(c.plan_type for p in trust.pregnancies for c in p.care_plans)
    assert types["06"] > 0 and types["07"] > 0


def test_contacts(trust):
    past = future = by_named = cont_attended = out_of_hours = 0
    codes: Counter[str] = Counter()
    for p in trust.pregnancies:
        for c in p.contacts:
            assert c.scheduled_start.tzinfo is not None
            assert c.scheduled_start.utcoffset() == timedelta(0)
            if c.attendance == "0":
                future += 1
                assert c.scheduled_start.date() >= TODAY - timedelta(days=1)
                continue
            past += 1
            codes[c.attendance] += 1
            if p.care_model == "continuity" and c.attendance in ("5", "6"):
                named = [a for a in p.assignments if a.named_midwife][-1:] if p.assignments else []
                if named and c.kind != "booking":
                    cont_attended += 1
                    by_named += c.professionals[0] in {
                        a.named_midwife for a in p.assignments if a.named_midwife
                    }
                    local = c.scheduled_start.astimezone(_london())
                    out_of_hours += local.weekday() >= 5 or not 9 <= local.hour < 17
    assert past and future
    assert codes["5"] / past > 0.75 and {"6", "3", "2", "4"} <= set(codes)
    assert 0.7 < by_named / cont_attended < 0.9
    assert out_of_hours / cont_attended > 0.25


def test_births_and_who_was_there(trust):
    cont = [p for p in trust.pregnancies if p.labour and p.care_model == "continuity"]
    named_present = 0
    for p in cont:
        named = {a.named_midwife for a in p.assignments if a.named_midwife}
        present = {x.midwife for x in p.labour.professionals if x.at_delivery}
        named_present += bool(named & present)
    assert 0.65 < named_present / len(cont) < 0.85
    settings = Counter(p.labour.setting for p in trust.pregnancies if p.labour)
    assert settings["home"] > 0 and settings["obstetric_unit"] > settings["home"]


def test_rota_has_every_kind_and_utc_instants(trust):
    kinds = Counter(e.kind for e in trust.rota)
    for kind in ("work", "on_call_own", "on_call_team", "leave", "sickness", "study", "call_out"):
        assert kinds[kind] > 0, kind
    assert any(e.kind == "leave" and e.status == "requested" for e in trust.rota)
    for e in trust.rota:
        assert e.starts_at.tzinfo == UTC and e.ends_at > e.starts_at
    team_of = {m.professional_id: m.team for m in trust.midwives}
    model = {t.local_id: t.care_model for t in trust.teams}
    team_call = Counter()
    for e in trust.rota:
        if e.kind == "on_call_own":
            assert model[team_of[e.midwife]] == "continuity"
        if e.kind == "on_call_team":
            team_call[model[team_of[e.midwife]]] += 1
    # Traditional teams run a team on-call rota; continuity teams mix it with own on-call.
    assert team_call["traditional"] > 0 and team_call["continuity"] > 0


def test_rota_entries_of_one_midwife_never_overlap(trust):
    by_midwife = defaultdict(list)
    call_outs = defaultdict(list)
    for e in trust.rota:
        (call_outs if e.kind == "call_out" else by_midwife)[e.midwife].append(e)
    for entries in by_midwife.values():
        entries.sort(key=lambda e: e.starts_at)
        for a, b in itertools.pairwise(entries):
            assert b.starts_at >= a.ends_at, (a, b)
    # A call-out happens inside one of her on-call shifts.
    for pid, outs in call_outs.items():
        for c in outs:
            assert any(
                e.kind.startswith("on_call")
                and e.starts_at <= c.starts_at
                and c.ends_at <= e.ends_at
                for e in by_midwife[pid]
            ), c


def test_personas(trust):
    users = {u.username: u for u in trust.users}
    assert {p.username for p in trust.personas} == {
        "midwife",
        "midwife2",
        "leader",
        "manager",
        "board",
        "voices",
        "privacy",
        "admin",
        "woman",
    }
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert users["leader"].role == "team_leader"
    assert users["voices"].role == "mvp"
    # Every persona has a name of their own (the sign-in table says who is who).
    names = [p.description.split(",")[0] for p in trust.personas]
    assert len(set(names)) == len(names)
    mw = trust.persona_midwife("midwife")
    assert mw.team == "T01" and trust.persona_midwife("midwife2").team == "T02"
    assert trust.persona_midwife("leader").team == "T01"
    woman = trust.persona_woman()
    pregnancy = next(p for p in trust.pregnancies if p.woman == woman.key)
    assert pregnancy.status == "antenatal"
    assert pregnancy.current_assignment.named_midwife == mw.professional_id
    assert 26 * 7 <= _ga_today(pregnancy) <= 34 * 7
    caseload = [
        p
        for p in trust.pregnancies
        if p.status in ("antenatal", "postnatal")
        and p.current_assignment.named_midwife == mw.professional_id
    ]
    assert len(caseload) >= 15
    assert all(u.role == "midwife" for u in users.values() if u.username.startswith("p0"))


def test_ten_thousand_births_need_about_280_midwives():
    big = generate(DemoParams(today=TODAY, births_per_year=10_000, seed=3))
    active = [m for m in big.midwives if m.end_date is None]
    assert 280 * 0.85 <= len(active) <= 280 * 1.15
    year_ago = TODAY - timedelta(days=365)
    births = sum(
        1 for p in big.pregnancies if p.labour and year_ago <= p.labour.birth_at.date() < TODAY
    )
    assert 9_000 <= births <= 11_000


def _london():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")
