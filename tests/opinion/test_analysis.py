"""Every appeal is analysed after it commits, by the worker, and stored with its model versions;
intake never waits for it, and a failure is stored, shown and tried again."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from massline.appeals.models import Appeal
from massline.opinion import tasks
from massline.opinion.models import AnalysisState, AppealAnalysis, ModelVersion, Relation
from massline.opinion.selectors import suggestions_for
from massline.opinion.training import Example, load_model, ranked
from tests.opinion.conftest import run_worker

STREETLIGHT = {
    "kind": "complaint",
    "title": "黄州区东湖街道宝塔路小区门口路灯不亮",
    "body": "宝塔路小区门口的路灯已经坏了一个月，晚上漆黑一片，老人出门很不方便。",
    "region_code": "421102001",
}
FALLEN = {
    "kind": "help",
    "title": "老人已摔倒在楼道里",
    "body": "黄州区东湖街道考棚街3栋楼道灯坏了，隔壁老人已摔倒，腿动不了，请赶紧派人来。",
    "region_code": "421102001",
}


@pytest.mark.django_db(transaction=True)
def test_a_submitted_appeal_is_analysed_by_the_worker_with_the_live_model_versions(
    trained, submit, topics, orgs
):
    made = submit(**STREETLIGHT)
    appeal = Appeal.objects.get(tracking_no=made["tracking_no"])
    assert not AppealAnalysis.objects.filter(appeal=appeal).exists()  # intake only enqueued
    assert suggestions_for(appeal).state == "分析中"
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    row = AppealAnalysis.objects.get(appeal=appeal)
    assert row.state == AnalysisState.DONE
    live = {v.kind: v for v in ModelVersion.objects.filter(is_active=True)}
    assert row.category_model == live["category"] and row.department_model == live["department"]
    assert row.category == topics["streetlight"][1]
    assert len(row.categories) == 3 and row.categories[0][1] > row.categories[1][1]
    assert row.departments[0][0] == orgs.county_urban.pk
    assert row.region.code == "421102001" and 0 < row.region_confidence <= 1
    assert "宝塔" in row.keywords and len(row.keywords) == 5
    got = suggestions_for(appeal)
    assert got.state == "已分析" and got.categories[0][0] == topics["streetlight"][1]
    assert got.departments[0][0] == orgs.county_urban
    assert got.versions == (live["category"].label, live["department"].label)


@pytest.mark.django_db(transaction=True)
def test_a_fallen_old_man_is_marked_urgent_with_the_words_that_said_so(trained, submit):
    made = submit(**FALLEN)
    run_worker()
    row = AppealAnalysis.objects.get(appeal__tracking_no=made["tracking_no"])
    assert row.urgency > 0
    assert any("摔倒" in term for term in row.urgent_terms)
    quiet = submit(**STREETLIGHT)
    run_worker()
    assert AppealAnalysis.objects.get(appeal__tracking_no=quiet["tracking_no"]).urgency == 0


@pytest.mark.django_db(transaction=True)
def test_a_broken_model_file_fails_the_analysis_not_the_intake_and_the_sweep_tries_again(
    trained, submit
):
    live = ModelVersion.objects.get(kind="category", is_active=True)
    full = Path(live.directory) / "full.zip"
    good = full.read_bytes()
    full.write_bytes(b"not a model")
    made = submit(**STREETLIGHT)
    appeal = Appeal.objects.get(tracking_no=made["tracking_no"])  # stored, whatever follows
    run_worker()
    row = AppealAnalysis.objects.get(appeal=appeal)
    assert row.state == AnalysisState.FAILED and row.attempts == 1
    assert "模型" in row.error or "model" in row.error.lower()
    assert suggestions_for(appeal).state == "分析失败"
    assert Appeal.objects.get(pk=appeal.pk).title == STREETLIGHT["title"]
    full.write_bytes(good)
    assert tasks.sweep() == len(trained) + 1  # the history was never analysed either
    run_worker()
    row = AppealAnalysis.objects.get(appeal=appeal)
    assert row.state == AnalysisState.DONE and row.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_without_any_model_the_rest_of_the_analysis_is_still_done(submit):
    made = submit(**FALLEN)
    run_worker()
    row = AppealAnalysis.objects.get(appeal__tracking_no=made["tracking_no"])
    assert row.state == AnalysisState.DONE
    assert row.category is None and row.categories == [] and row.category_model is None
    assert row.urgency > 0 and row.region.code == "421102001"


def test_an_appeal_the_model_learned_from_is_scored_by_the_fold_that_did_not(
    history, people, places, orgs, topics
):
    """The confidence stored for a history appeal is never the model's score of its own
    training example: it is the score of the half of the history without it."""
    from tests.opinion.conftest import make_appeal

    noise = topics["noise"][1]
    odd = make_appeal(
        people,
        places.donghu,
        orgs.county_hub,
        "快递柜占用消防通道",
        "小区快递柜摆在消防通道上，电动车也停满了，物业不管。",
        category=noise,
        lead=orgs.county_env,
        days=3,
    )
    call_command("train-models", "--activate")
    call_command("analyse-backlog", "--since", "2000-01-01")
    version = ModelVersion.objects.get(kind="category", is_active=True)
    full = load_model("category", Path(version.directory) / "full.zip")
    example = Example(odd.pk, odd.title, odd.body, "")
    own = dict(ranked("category", full, example, 7))[str(noise.pk)]
    row = AppealAnalysis.objects.get(appeal=odd)
    stored = dict((str(c), p) for c, p in row.categories).get(str(noise.pk), 0.0)
    assert stored < own - 0.1
    assert version.top1 is not None and version.top1 < 1


def test_praise_is_never_a_merge_candidate_and_another_street_is_a_similar_matter(
    trained, people, places, orgs, chibi, topics
):
    from tests.opinion.conftest import make_appeal

    text = "考棚街路灯坏了一个月，晚上漆黑一片，老人小孩出门很不安全，请尽快修好路灯"
    first = make_appeal(people, places.donghu, orgs.county_hub, "考棚街路灯坏了", text, days=2)
    same = make_appeal(
        people,
        places.donghu,
        orgs.county_hub,
        "考棚街路灯坏了",
        text + "。",
        days=1,
        by=people.neighbour,
    )
    elsewhere = make_appeal(
        people, chibi, orgs.county_hub, "考棚街路灯坏了", text + "！", days=1, by=people.neighbour
    )
    thanks = "感谢东湖派出所民警帮我找回丢失的钱包，民警认真负责，态度很好，特此表扬"
    praise1 = make_appeal(
        people, places.donghu, orgs.county_hub, "表扬民警", thanks, kind="praise", days=2
    )
    praise2 = make_appeal(
        people,
        chibi,
        orgs.county_hub,
        "表扬民警",
        thanks + "。",
        kind="praise",
        days=1,
        by=people.neighbour,
    )
    call_command("analyse-backlog", "--since", "2000-01-01")

    def candidates(appeal):
        row = AppealAnalysis.objects.get(appeal=appeal)
        return {d.other_id: d.relation for d in row.duplicates.all()}

    assert candidates(same) == {first.pk: Relation.SAME}
    assert candidates(elsewhere)[first.pk] == Relation.SIMILAR
    assert candidates(elsewhere)[same.pk] == Relation.SIMILAR
    assert candidates(praise2) == {} and candidates(praise1) == {}
    got = suggestions_for(same)
    assert [a for a, _ in got.same] == [first]
    assert suggestions_for(elsewhere).same == ()
