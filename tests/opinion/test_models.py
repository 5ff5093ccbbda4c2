"""Models are trained by the worker from the confirmed history, stored as versioned files, and
switched or rolled back by an administrator in one step; the analysis names the version."""

import zipfile
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from massline.appeals.models import Appeal
from massline.core.models import AuditEvent
from massline.jobs.schedule import JOBS
from massline.opinion.models import AppealAnalysis, ModelVersion
from tests.opinion.conftest import make_appeal

NEW = "赤壁大道出租车拒载", "赤壁大道打车，出租车司机拒载还嫌路近。"


def _admin(people):
    client = Client()
    client.force_login(people.admin)
    return client


def _act(client, action, versions):
    return client.post(
        "/admin/opinion/modelversion/",
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
    )


def test_the_daily_job_trains_both_models_into_files_without_pickle(history):
    assert JOBS["train_models"].run(None) == 2
    versions = {v.kind: v for v in ModelVersion.objects.all()}
    assert set(versions) == {"category", "department"}
    for version in versions.values():
        assert version.is_active and version.examples == len(history)
        for name in ("full.zip", "fold0.zip", "fold1.zip"):
            with zipfile.ZipFile(Path(version.directory) / name) as bundle:
                assert "meta.json" in bundle.namelist()
                assert all(n.endswith((".json", ".npy")) for n in bundle.namelist())


def test_with_too_little_history_training_says_why_and_makes_no_version(db, capsys):
    call_command("train-models")
    out = capsys.readouterr().out
    assert "历史数据不足" in out and ModelVersion.objects.count() == 0


def test_an_admin_switches_to_an_older_version_and_rolls_back_in_one_step(history, people):
    call_command("train-models", "--activate")
    first = ModelVersion.objects.get(kind="category", number=1)
    call_command("train-models", "--activate")
    second = ModelVersion.objects.get(kind="category", number=2)
    assert second.is_active and not ModelVersion.objects.get(pk=first.pk).is_active
    admin = _admin(people)
    page = admin.get("/admin/opinion/modelversion/")
    assert page.status_code == 200 and "分类模型 v2" in page.content.decode()

    res = _act(admin, "activate", [first])
    assert "已启用分类模型 v1" in res.content.decode()
    assert ModelVersion.objects.get(kind="category", is_active=True) == first
    res = _act(admin, "rollback", [first])
    assert "已回滚到分类模型 v2" in res.content.decode()
    assert ModelVersion.objects.get(kind="category", is_active=True) == second
    actions = list(
        AuditEvent.objects.filter(action__startswith="opinion.model_").values_list(
            "action", "actor"
        )
    )
    assert ("opinion.model_activated", people.admin.pk) in actions
    assert ("opinion.model_rolled_back", people.admin.pk) in actions


def test_rolling_back_the_only_version_is_refused_with_a_reason(history, people):
    call_command("train-models", "--activate")
    only = ModelVersion.objects.get(kind="category")
    res = _act(_admin(people), "rollback", [only])
    assert "没有可回滚的上一版本" in res.content.decode()
    assert ModelVersion.objects.get(pk=only.pk).is_active


def test_a_dispatchers_correction_teaches_the_next_model_and_the_backlog_uses_it(
    history, people, places, orgs, topics
):
    """Taxi appeals corrected to 城市公共设施 by dispatchers: after training and the backlog
    run, a new taxi appeal is suggested that category, with the new version named."""
    call_command("train-models", "--activate")
    new = make_appeal(people, places.donghu, orgs.county_hub, *NEW, days=1)
    call_command("analyse-backlog", "--since", "2000-01-01")
    before = AppealAnalysis.objects.get(appeal=new)
    assert before.category == topics["taxi"][1]
    streetlight = topics["streetlight"][1]
    Appeal.objects.filter(category=topics["taxi"][1]).update(category=streetlight)
    call_command("train-models", "--activate")
    call_command("analyse-backlog", "--since", "2000-01-01")
    after = AppealAnalysis.objects.get(appeal=new)
    assert after.category == streetlight
    assert after.category_model.number == before.category_model.number + 1
