"""Workforce planning pages: who may plan, the trust's defaults, running a scenario in the
background, bad input, comparing scenarios, CSV, and 'how many midwives'."""

from __future__ import annotations

import csv
import io

import pytest

from continuity.core.models import AuditEvent
from continuity.engines import simulation as engine
from continuity.planning import actions
from continuity.planning.models import Scenario

pytestmark = pytest.mark.django_db

SMALL = {
    "name": "Two small teams",
    "policy": "named_on_call",
    "teams": "2",
    "midwives_per_team": "4",
    "wte": "1",
    "caseload_per_wte": "36",
    "births_per_year": "250",
    "priority_share": "40",
    "nulliparous_rate": "40",
    "home_birth_rate": "2",
    "leave_weeks_per_wte": "5.6",
    "sickness_rate": "5",
    "study_days": "5",
    "labour_mean_hours": "8",
    "labour_sd_hours": "4",
    "rest_hours": "11",
    "travel_minutes_per_leg": "15",
    "visit_start_hour": "9",
    "max_visits_per_day": "6",
    "prioritise": "on",
    "replications": "20",
    "seed": "3",
    "notes": "",
}


def _run(client, **changes):
    response = client.post("/planning/new/", {**SMALL, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Scenario.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("board", 200), ("leader_a", 403), ("midwife_a", 403), ("woman", 403)],
)
def test_only_planners_reach_planning(world, client_for, who, status):
    users = {
        "manager": world.manager,
        "board": world.board,
        "leader_a": world.leader_a.user,
        "midwife_a": world.midwife_a.user,
        "woman": world.woman_user,
    }
    client = client_for(users[who])
    for path in ("/planning/", "/planning/new/", "/planning/how-many/"):
        assert client.get(path).status_code == status


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/planning/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_form_starts_from_the_trusts_own_figures(world, client_for):
    page = client_for(world.manager).get("/planning/new/").content.decode()
    # The world has two continuity teams with midwives in post (the traditional team is not
    # counted); the value and where it came from are both shown.
    assert 'name="teams" type="text" value="2"' in page or 'value="2"' in page
    assert "from your continuity teams and the midwives in post" in page
    assert "from your allocation policy" in page


def test_a_scenario_runs_in_the_background_and_gives_the_engines_own_answer(world, client_for):
    client = client_for(world.manager)
    scenario = _run(client)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE, scenario.error
    expected = engine.result_to_dict(
        engine.run(engine.scenario_from_dict(scenario.parameters), 20, 3)
    )
    assert scenario.result == expected  # the seed is recorded, and reproduces the run
    assert scenario.parameters["sickness_rate"] == pytest.approx(0.05)  # percent -> rate
    assert AuditEvent.objects.filter(
        action="planning.create_scenario", object_id=str(scenario.pk)
    ).exists()
    page = client.get(f"/planning/{scenario.pk}/").content.decode()
    assert "Who attends births" in page
    assert 'role="img"' in page and "Births attended by her named midwife" in page
    named = scenario.result["metrics"]["pct_named"]["mean"]
    assert f"{named:.1f}%" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("teams", "-1", "Continuity teams must be from 1 to 500"),
        ("caseload_per_wte", "0", "Women a year for a full-time midwife must be from 1 to 1000"),
        ("sickness_rate", "150", "Days lost to sickness (%) must be from 0 to 100"),
        ("midwives_per_team", "two", "Midwives in each team must be a whole number"),
        ("wte", "", "Enter whole-time equivalent of each midwife"),
        ("name", "", "Give the scenario a name"),
    ],
)
def test_impossible_scenarios_are_refused_before_anything_runs(
    world, client_for, field, value, message
):
    response = client_for(world.manager).post("/planning/new/", {**SMALL, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and message in page
    assert f'value="{SMALL["births_per_year"]}"' in page  # what she typed is kept
    assert not Scenario.objects.exists()


def test_the_engine_has_the_last_word(world):
    with pytest.raises(actions.ActionError) as refused:
        actions.create(
            by=world.manager,
            name="x",
            parameters={"teams": 2, "midwives_per_team": 4, "births_per_year": 100, "wte": 9},
            replications=5,
            seed=1,
        )
    assert refused.value.field == "wte"
    assert not Scenario.objects.exists()


def test_a_failed_run_is_explained_without_a_stack_trace(world, client_for, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "run", boom)
    client = client_for(world.manager)
    scenario = _run(client)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.FAILED
    page = client.get(f"/planning/{scenario.pk}/").content.decode()
    assert "This scenario could not run" in page and "secret internals" not in page


def test_a_finished_scenario_is_not_run_twice(world, client_for):
    scenario = _run(client_for(world.manager))
    scenario.refresh_from_db()
    finished = scenario.finished_at
    assert actions.execute(scenario.pk) is None
    scenario.refresh_from_db()
    assert scenario.finished_at == finished


def test_copy_and_change_starts_from_the_copied_assumptions(world, client_for):
    client = client_for(world.manager)
    scenario = _run(client, births_per_year="260")
    page = client.get(f"/planning/new/?from={scenario.pk}").content.decode()
    assert "Copy of Two small teams" in page and 'value="260"' in page


def test_two_scenarios_side_by_side_with_csv(world, client_for):
    client = client_for(world.manager)
    a = _run(client, name="Named on call")
    b = _run(client, name="=Team rota", policy="team_rota")
    page = client.get(f"/planning/compare/?id={a.pk}&id={b.pk}").content.decode()
    assert "Named on call" in page and "=Team rota" in page
    assert "What differs" in page and "The team shares an on-call rota" in page
    a.refresh_from_db()
    b.refresh_from_db()
    for s in (a, b):
        assert f"{s.result['metrics']['pct_named']['mean']:.1f}%" in page
    data = client.get(f"/planning/compare.csv?id={a.pk}&id={b.pk}").content.decode()
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][:5] == [
        "key",
        "label",
        "Named on call mean",
        "Named on call low_95",
        "Named on call high_95",
    ]
    assert rows[0][5].startswith("'=Team rota")  # no formula reaches a spreadsheet
    named = next(r for r in rows if r[0] == "pct_named")
    assert float(named[2]) == pytest.approx(a.result["metrics"]["pct_named"]["mean"], rel=1e-5)
    assert float(named[5]) == pytest.approx(b.result["metrics"]["pct_named"]["mean"], rel=1e-5)


def test_comparing_needs_two_finished_scenarios(world, client_for):
    client = client_for(world.manager)
    a = _run(client)
    response = client.get(f"/planning/compare/?id={a.pk}&id=999999&id=abc")
    assert response.status_code == 302 and response["Location"] == "/planning/"
    assert "Choose at least 2 finished scenarios" in client.get("/planning/").content.decode()


def test_a_scenarios_csv_holds_its_assumptions_and_every_result(world, client_for):
    client = client_for(world.manager)
    scenario = _run(client)
    scenario.refresh_from_db()
    rows = list(
        csv.reader(io.StringIO(client.get(f"/planning/{scenario.pk}.csv").content.decode()))
    )
    assert rows[0] == ["section", "key", "label", "value", "low_95", "high_95"]
    keys = {r[1] for r in rows if r[0] == "result"}
    assert {"pct_named", "pct_on_pathway", "pct_known", "wtr_breaches"} <= keys
    assert ["scenario", "seed", "Seed", "3", "", ""] in rows
    assumed = {r[1]: r[3] for r in rows if r[0] == "assumption"}
    assert assumed["teams"] == "2" and assumed["policy"] == "named_on_call"


def test_unknown_scenarios_are_not_found(world, client_for):
    client = client_for(world.manager)
    assert client.get("/planning/424242/").status_code == 404
    assert client.get("/planning/424242.csv").status_code == 404


SOLVE = {
    **SMALL,
    "name": "Teams for 35%",
    "births_per_year": "300",
    "replications": "10",
    "vary": "teams",
    "low": "1",
    "high": "4",
    "target_pathway": "35",
    "target_known": "50",
    "target_named": "",
    "max_night": "",
}


def test_how_many_midwives_finds_the_smallest_workforce_that_reaches_the_targets(world, client_for):
    client = client_for(world.manager)
    response = client.post("/planning/how-many/", SOLVE)
    assert response.status_code == 302, response.content.decode()[:3000]
    scenario = Scenario.objects.get(kind=Scenario.Kind.SOLVE)
    assert scenario.status == Scenario.Status.DONE, scenario.error
    answer = scenario.result
    assert answer["vary"] == "teams"
    assert [t["metric"] for t in answer["targets"]] == ["pct_on_pathway", "pct_known"]
    meeting = sorted(t["value"] for t in answer["trials"] if t["meets"])
    # Capacity: 4 midwives × 36 = 144 women a team, 300 births: 35% needs 105, so one team is
    # enough for the pathway target; the answer is the smallest value tried that meets both.
    assert answer["found"] and answer["value"] == meeting[0]
    assert answer["midwives"] == answer["value"] * 4
    for trial in answer["trials"]:
        pathway = trial["metrics"]["pct_on_pathway"]["mean"]
        known = trial["metrics"]["pct_known"]["mean"]
        assert trial["meets"] == (pathway >= 35 and known >= 50)
    page = client.get(f"/planning/{scenario.pk}/").content.decode()
    assert "The answer" in page and "Values tried" in page
    # The list gives the workforce found and what it reaches, not the starting workforce.
    listed = client.get("/planning/").content.decode()
    row = listed[listed.index(f'href="/planning/{scenario.pk}/"') :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    reached = answer["result"]["metrics"]
    assert cells == [
        f"{answer['midwives']}",
        f"{reached['pct_on_pathway']['mean']:.1f}%",
        f"{reached['pct_known']['mean']:.1f}%",
        "Finished",
    ]
    assert page.count('class="continuity-chart"') == 2  # one chart per target, and a table
    rows = list(
        csv.reader(io.StringIO(client.get(f"/planning/{scenario.pk}.csv").content.decode()))
    )
    assert ["answer", "found", "", "yes", "", ""] in rows
    assert sum(1 for r in rows if r[0].startswith("trial ")) == 2 * len(answer["trials"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"low": "5", "high": "2"}, "The largest value must be more than the smallest"),
        ({"low": "1.5"}, "Enter a whole number for teams, midwives or caseload"),
        ({"target_pathway": "120"}, "must be from 0 to 100"),
        ({"vary": ""}, "Choose what can change"),
    ],
)
def test_how_many_refuses_an_impossible_search(world, client_for, changes, message):
    response = client_for(world.manager).post("/planning/how-many/", {**SOLVE, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scenario.objects.exists()


def test_the_list_shows_each_scenarios_headline_figures(world, client_for):
    client = client_for(world.manager)
    scenario = _run(client)
    scenario.refresh_from_db()
    page = client.get("/planning/").content.decode()
    for key in ("pct_on_pathway", "pct_known"):
        assert f"{scenario.result['metrics'][key]['mean']:.1f}%" in page
    assert "Two small teams" in page and "Finished" in page


def test_every_output_of_the_engine_has_a_label_on_the_pages():
    from continuity.planning import presenters

    assert set(engine.METRICS) == set(presenters.BY_KEY)
