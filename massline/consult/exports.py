"""The consultation's comments as XLSX, paragraph by paragraph, for the organising unit."""

from __future__ import annotations

from django.utils import timezone

from massline.consult.models import Consultation, ParagraphText
from massline.consult.selectors import paragraph_labels
from massline.consult.tabular import xlsx

HEAD = [
    "序号", "段落", "段落原文", "意见", "提出人", "提交时间", "状态", "支持数", "采纳情况",
    "意见归纳", "理由",
]  # fmt: skip


def comments_workbook(c: Consultation) -> bytes:
    labels = paragraph_labels(c)
    wording = {
        (t.revision_id, t.paragraph_id): t.text
        for t in ParagraphText.objects.filter(revision__consultation=c)
    }
    comments = c.comments.select_related("author", "decision").order_by("paragraph_id", "id")
    rows = []
    for n, x in enumerate(
        sorted(comments, key=lambda x: (x.paragraph_id is not None, x.paragraph_id or 0, x.pk)),
        start=1,
    ):
        decision = x.decision
        rows.append(
            [
                n,
                labels.get(x.paragraph_id, "") if x.paragraph_id else "全文",
                wording.get((x.revision_id, x.paragraph_id), "") if x.paragraph_id else "",
                x.body,
                x.author.display_name,
                timezone.localtime(x.created_at).strftime("%Y-%m-%d %H:%M"),
                x.get_status_display(),
                x.supports,
                decision.get_outcome_display() if decision else "",
                decision.title if decision else "",
                decision.reason if decision else "",
            ]
        )
    return xlsx([("意见汇总", HEAD, rows)])
