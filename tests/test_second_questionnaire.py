"""Any questionnaire, no code change: a second, small questionnaire builds a site, a plan and a pack.

tests/fixtures/mh holds a mental-health peer worker variant: two domains, two templates, its own
guidance and mkdocs.yml. It shares only the toolkit's document layout (base, plan and paper
questionnaire templates and the print stylesheet), copied in as a clinic's own project would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.load.project import ROOT
from builder.output.gate import MARKER

FIXTURE = Path(__file__).parent / "fixtures" / "mh"
LAYOUT = ("base.html.j2", "_macros.html.j2", "plan.html.j2", "questionnaire.html.j2", "toolkit", "assets")


@pytest.fixture
def mh_project(tmp_path: Path) -> Path:
    root = tmp_path / "mh"
    shutil.copytree(FIXTURE, root)
    for name in LAYOUT:
        src = ROOT / "templates" / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / "templates" / name)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("NODE_MODULES", str(ROOT / "node_modules")), encoding="utf-8")
    return root


def test_second_questionnaire_checks_and_plans(mh_project: Path, runner: CliRunner) -> None:
    checked = runner.invoke(cli, ["check", "--strict", "--root", str(mh_project)])
    assert checked.exit_code == 0, checked.output
    assert "0.1.0" in checked.output and "in 2 domains" in checked.output

    planned = runner.invoke(cli, ["plan", str(mh_project / "answers.yaml"), "--format", "json", "--root", str(mh_project)])
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    assert set(plan["readiness"]["domains"]) == {"workforce", "wellbeing"}
    assert plan["route"] == "hosted"
    assert plan["templates"] == ["peer_worker_role", "wellbeing_plan"]
    assert set(plan["roles"]) == {"peer_worker", "group_facilitator"}


def test_second_questionnaire_gates_hold(mh_project: Path, runner: CliRunner) -> None:
    answers = mh_project / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("supervisor: peer_lead", "supervisor: none"), encoding="utf-8")
    planned = runner.invoke(cli, ["plan", str(answers), "--format", "json", "--root", str(mh_project)])
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["readiness"]["overall"]["rating"] == "red"


@pytest.mark.slow
def test_second_questionnaire_packs(mh_project: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "pack"
    result = runner.invoke(cli, ["pack", str(mh_project / "answers.yaml"), "-o", str(out), "--root", str(mh_project), "--no-cache"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != MARKER)  # the output gate marks the folder as the toolkit's
    assert names == ["actions.csv", "peer_worker_role.docx", "peer_worker_role.pdf", "plan.md", "plan.pdf", "wellbeing_plan.docx", "wellbeing_plan.pdf"], names
    text = subprocess.run(["pdftotext", str(out / "peer_worker_role.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Eastside Community Mental Health Team" in text
    assert "hosted by a voluntary-sector partner" in text, "the template's tailoring from the second questionnaire's answers"
    plan_text = subprocess.run(["pdftotext", str(out / "plan.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "The peer workforce" in plan_text and "Referral pathway" not in plan_text


@pytest.mark.slow
def test_second_questionnaire_builds_its_site(mh_project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if k != "READINESS_ROOT"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(mh_project / "mkdocs.yml"), "-d", str(site)],
                         capture_output=True, text=True, env=env, cwd=mh_project)
    assert run.returncode == 0, run.stderr
    data = json.loads((site / "assets" / "questionnaire.json").read_text(encoding="utf-8"))
    assert data["meta"]["title"] == "Mental Health Peer Worker Readiness Check"
    assert [d["id"] for d in data["domains"]] == ["workforce", "wellbeing"]
    templates_page = (site / "templates.html").read_text(encoding="utf-8")
    assert "Peer support worker role description" in templates_page and "Eastside Community Mental Health Team" in templates_page
    for name in ("peer_worker_role.pdf", "wellbeing_plan.docx", "questionnaire.pdf"):
        assert (site / "downloads" / "blank" / name).is_file(), name
    assert (site / "downloads" / "example" / "answers-plan.pdf").read_bytes().startswith(b"%PDF")
    assert "employer" in (site / "logic-map.html").read_text(encoding="utf-8")
    assert (site / "assets" / "wizard" / "engine.js").is_file()
