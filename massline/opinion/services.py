"""Writes of the 舆情 layer: switching the live model version and rolling it back."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import InvalidInput, NotFound
from massline.opinion.models import ModelKind, ModelVersion


def activate_model(version_id: int, actor: Any) -> ModelVersion:
    """Make one version the live one of its kind (the others of the kind stop being live)."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound("模型版本不存在。")
        if version.is_active:
            return version
        live = list(
            ModelVersion.objects.select_for_update().filter(kind=version.kind, is_active=True)
        )
        ModelVersion.objects.filter(pk__in=[v.pk for v in live]).update(is_active=False)
        version.is_active, version.activated_at = True, timezone.now()
        version.save(update_fields=["is_active", "activated_at"])
        audit(
            "opinion.model_activated",
            actor,
            version,
            kind=version.kind,
            number=version.number,
            replaced=[v.number for v in live],
        )
    return version


def rollback_model(kind: str, actor: Any) -> ModelVersion:
    """Go back to the version that was live before the current one, in one step."""
    if kind not in ModelKind.values:
        raise InvalidInput("模型类型无效。", field="kind")
    with transaction.atomic():
        live = ModelVersion.objects.select_for_update().filter(kind=kind, is_active=True).first()
        earlier = (
            ModelVersion.objects.filter(kind=kind, activated_at__isnull=False, is_active=False)
            .filter(**({"activated_at__lt": live.activated_at} if live else {}))
            .order_by("-activated_at")
            .first()
        )
        if earlier is None:
            raise InvalidInput(f"{ModelKind(kind).label}没有可回滚的上一版本。", field="kind")
        if live is not None:
            live.is_active = False
            live.save(update_fields=["is_active"])
        earlier.is_active = True
        earlier.save(update_fields=["is_active"])
        audit(
            "opinion.model_rolled_back",
            actor,
            earlier,
            kind=kind,
            number=earlier.number,
            replaced=live.number if live else None,
        )
    return earlier
