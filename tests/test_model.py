"""Stage 3: the public model. Internal records and internal_notes never reach it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from generator.format.checks import check_client
from generator.format.validate import read_client_records
from generator.pipeline import check_projects
from generator.project.model import Project, build_model
from tests.conftest import TODAY, valid_data

SECRET = "zq-secret-7731"   # in every internal record
NOTE = "zq-note-4242"       # in every internal_notes text


def with_internal_everything() -> dict[str, Any]:
    """The valid client plus one internal record of every kind and internal_notes everywhere."""
    data = valid_data()
    notes = {"internal_notes": f"{NOTE} margin is thin"}

    client = data["client.yml"]
    client.update(notes)
    client["team"][0].update(notes)
    client["team"].append({"name": "Ivy Inside", "side": "team", "role": f"Owner {SECRET}",
                           "internal": True, **notes})
    client["communication"][0].update(notes)
    client["communication"].append({"channel": f"Agency chat {SECRET}", "internal": True})
    client["budget"].update(notes)
    client["theme"] = {"primary": "teal", **notes}

    roadmap = data["roadmap.yml"]
    roadmap["milestones"][0].update(notes)
    roadmap["milestones"][0]["deliverables"][0].update(notes)
    roadmap["milestones"][1]["deliverables"].append(
        {"id": "D8", "title": f"Margin sheet {SECRET}", "internal": True, **notes})
    roadmap["milestones"].append({
        "id": "M9", "title": f"Internal review {SECRET}", "planned": TODAY, "internal": True,
        "depends_on": ["M2"], **notes,
        "deliverables": [{"id": "D9", "title": f"QA report {SECRET}", "signoff": True}]})
    roadmap["client_tasks"][0].update(notes)
    roadmap["client_tasks"].append({
        "id": "T9", "title": f"Chase invoice {SECRET}", "owner": "Cleo Client",
        "due": TODAY, "blocks": ["M9"], "internal": True, **notes})

    data["decisions/DR-001.yml"].update(notes)
    data["decisions/DR-001.yml"]["options"][0].update(notes)
    data["decisions/DR-900.yml"] = {
        "id": "DR-900", "title": f"Staffing {SECRET}", "status": "accepted", "date": TODAY,
        "deciders": ["Ivy Inside"], "related": ["M9", "D8"], "internal": True, **notes}

    data["signoffs.yml"][0].update(notes)
    data["signoffs.yml"].append({
        "deliverable": "D9", "version": "0.1", "date": TODAY, "by": "Ivy Inside",
        "outcome": "approved", "via": "other", "notes": SECRET, "internal": True, **notes})

    data["changes.yml"][0].update(notes)
    data["changes.yml"][0]["estimate"].update(notes)
    data["changes.yml"].append({
        "id": "CR-9", "title": f"Write-off {SECRET}", "requested_by": "Ivy Inside",
        "date": TODAY, "status": "requested", "related": ["DR-900"], "internal": True, **notes})

    data["risks.yml"][0].update(notes)
    data["risks.yml"].append({
        "id": "R9", "title": f"Key person leaves {SECRET}", "likelihood": "low",
        "impact": "high", "owner": "Ivy Inside", "status": "open", "internal": True, **notes})

    data["updates/2026-03-02.yml"].update(notes)
    data["updates/2026-03-09.yml"] = {"date": "2026-03-09", "overall": "red",
                                      "summary": f"Agency only {SECRET}", "internal": True}
    return data


@pytest.fixture
def project(make_project) -> Project:
    root = make_project({"acme": with_internal_everything()})
    checked = check_projects(root, TODAY)
    assert checked.problems == [], [p.text() for p in checked.problems]
    assert checked.failed == []
    (project,) = checked.projects
    return project


def test_markers_are_in_the_source_files(make_project) -> None:
    root = make_project({"acme": with_internal_everything()})
    text = "".join(p.read_text() for p in (root / "acme").rglob("*.yml"))
    assert text.count(SECRET) >= 10 and text.count(NOTE) >= 15


def test_no_internal_text_in_the_model(project: Project) -> None:
    whole = repr(project)
    assert SECRET not in whole
    assert NOTE not in whole
    assert "internal_notes" not in whole


def test_internal_records_are_absent(project: Project) -> None:
    assert [p.name for p in project.client.team] == ["Pat Lee", "Cleo Client"]
    assert [c.channel for c in project.client.communication] == ["Weekly status call"]
    assert [m.id for m in project.milestones] == ["M1", "M2"]
    assert [[d.id for d in m.deliverables] for m in project.milestones] == [["D1"], ["D2", "D3"]]
    assert [t.id for t in project.client_tasks] == ["T1"]
    assert [d.id for d in project.decisions] == ["DR-001"]
    assert [(s.deliverable, s.version) for s in project.signoffs] == [("D1", "1.0")]
    assert [c.id for c in project.changes] == ["CR-1"]
    assert [r.id for r in project.risks] == ["R1"]
    assert [str(u.date) for u in project.updates] == ["2026-03-02"]
    whole = repr(project)
    for internal_id in ("M9", "D8", "D9", "T9", "DR-900", "CR-9", "R9", "Ivy Inside"):
        assert f"'{internal_id}'" not in whole, internal_id


def test_no_public_record_is_marked_internal(project: Project) -> None:
    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value):
            assert getattr(value, "internal", False) is False, value
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(project)


def test_build_model_directly_from_records(make_project) -> None:
    root = make_project({"acme": with_internal_everything()})
    records, problems = read_client_records(root / "acme", "projects")
    assert problems == [] and records is not None
    assert check_client(records, TODAY) == []
    # The records still hold the internal ones (they are checked)...
    assert "M9" in [m.id for m in records.roadmap.milestones]
    assert SECRET in repr(records)
    # ...but the model does not, and internal_notes never got as far as the records.
    assert NOTE not in repr(records)
    assert SECRET not in repr(build_model(records))


def decisions_project(make_project, extra: dict[str, Any]) -> Project:
    data = valid_data()
    data.update(extra)
    checked = check_projects(make_project({"acme": data}), TODAY)
    assert checked.problems == [], [p.text() for p in checked.problems]
    return checked.projects[0]


def decision(did: str, status: str, supersedes: list[str] | None = None) -> dict[str, Any]:
    return {"id": did, "title": f"Decision {did}", "status": status, "date": "2026-02-01",
            "supersedes": supersedes or []}


def test_decision_superseded_by_accepted_one_is_superseded(make_project) -> None:
    project = decisions_project(make_project, {
        "decisions/DR-002.yml": decision("DR-002", "accepted", ["DR-001"])})
    status = {d.id: d.status for d in project.decisions}
    assert status == {"DR-001": "superseded", "DR-002": "accepted"}


def test_already_marked_superseded_stays_superseded(make_project) -> None:
    data = {"decisions/DR-002.yml": decision("DR-002", "accepted", ["DR-001"])}
    dr1 = valid_data()["decisions/DR-001.yml"]
    dr1["status"] = "superseded"
    data["decisions/DR-001.yml"] = dr1
    project = decisions_project(make_project, data)
    assert {d.id: d.status for d in project.decisions}["DR-001"] == "superseded"


def test_proposed_replacement_does_not_supersede(make_project) -> None:
    project = decisions_project(make_project, {
        "decisions/DR-002.yml": decision("DR-002", "proposed", ["DR-001"])})
    assert {d.id: d.status for d in project.decisions} == {
        "DR-001": "accepted", "DR-002": "proposed"}


def test_updates_are_sorted_oldest_first(make_project) -> None:
    project = decisions_project(make_project, {
        "updates/2026-01-12.yml": {"date": "2026-01-12", "overall": "amber"},
        "updates/2026-05-04.yml": {"date": "2026-05-04", "overall": "red"}})
    assert [str(u.date) for u in project.updates] == ["2026-01-12", "2026-03-02", "2026-05-04"]


def test_client_with_errors_has_no_model(make_project) -> None:
    data = valid_data()
    data["risks.yml"][0]["owner"] = "Nobody"
    checked = check_projects(make_project({"acme": data, "beta": valid_data()}), TODAY)
    assert checked.failed == ["acme"]
    assert [p.slug for p in checked.projects] == ["beta"]
    assert {p.client for p in checked.problems} == {"acme"}
