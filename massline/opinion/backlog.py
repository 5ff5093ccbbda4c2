"""Analysing many appeals at once in this process: a period again after a model change, or a
whole freshly loaded database (the demo)."""

from collections.abc import Sequence

from massline.appeals.models import Appeal
from massline.opinion.alerts import detect
from massline.opinion.engine import RUNTIME
from massline.opinion.models import Alert, AppealAnalysis, Topic
from massline.opinion.tasks import BATCH
from massline.opinion.training import train_all


def analyse(ids: Sequence[int]) -> int:
    """Analyse these appeals in id order, in batches; returns how many succeeded."""
    done = 0
    for i in range(0, len(ids), BATCH):
        done += RUNTIME.analyse(ids[i : i + BATCH])
    return done


def analyse_everything() -> int:
    """Train the models on the history and analyse every appeal from scratch, oldest first,
    then raise the alerts the last day calls for, so that the overview shows live topics right
    after loading (the demo)."""
    Alert.objects.all().delete()
    AppealAnalysis.objects.all().delete()
    Topic.objects.all().delete()
    RUNTIME.clear()
    train_all(activate=True)
    done = analyse(list(Appeal.objects.order_by("pk").values_list("pk", flat=True)))
    detect()
    return done
