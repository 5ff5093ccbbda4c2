"""Indexes for the web pages at 100,000 appeals (issue 9): the public board and its count, the
home page's latest replies and month figures, the staff's work lists and their counts.

The foreign key `merged_into` loses its full index for a partial one over the few appeals that
are merged: an index of NULLs is written for every appeal, and SQLite, planning without
statistics, took `merged_into_id IS NULL` for a selective lookup and read every list through it.
Dropping it is a plain DROP INDEX under the field's new state (AlterField would rebuild the
table on SQLite, and with it the search triggers); the name is Django's, the same on both
databases.
"""

import django.db.models.deletion
from django.db import migrations, models

FULL_INDEX = "appeals_appeal_merged_into_id_678054be"
PUBLIC_UNMERGED = models.Q(("is_public", True), ("merged_into__isnull", True))


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0007_accountability"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appeal",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged",
                        to="appeals.appeal",
                        verbose_name="并入",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FULL_INDEX}"',
                    f'CREATE INDEX "{FULL_INDEX}" ON "appeals_appeal" ("merged_into_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="appeal_merged",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=PUBLIC_UNMERGED,
                fields=[
                    "-created_at",
                    "-id",
                    "state",
                    "is_public",
                    "merged_into",
                    "kind",
                    "region",
                    "category",
                ],
                name="appeal_board",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=PUBLIC_UNMERGED & models.Q(("replied_at__isnull", False)),
                fields=["-replied_at"],
                name="appeal_board_replied",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["state", "hub", "reply_due_at", "created_at", "id"],
                name="appeal_queue_by_hub",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["state", "lead_org", "reply_due_at", "created_at", "id"],
                name="appeal_queue_by_lead_org",
            ),
        ),
        migrations.AddIndex(
            model_name="appealevent",
            index=models.Index(fields=["action", "created_at"], name="appeal_event_action_time"),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(fields=["created_at"], name="rating_created"),
        ),
    ]
