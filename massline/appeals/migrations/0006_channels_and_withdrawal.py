"""How an appeal came (channel, and who registered it for the caller); the withdrawn state."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIRST_INDEX = import_module("massline.appeals.migrations.0002_search_index")
PUBLIC_INDEX = import_module("massline.appeals.migrations.0005_public_search_index")

RESTORE_SQLITE_TRIGGERS = [
    # Adding a NOT NULL column rebuilds the table on SQLite, which drops both indexes' triggers.
    *FIRST_INDEX.SQLITE_DOWN[:3],
    *PUBLIC_INDEX.SQLITE_DOWN[:3],
    *FIRST_INDEX.SQLITE_UP[1:],
    *PUBLIC_INDEX.SQLITE_UP[-3:],
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts) VALUES ('rebuild')",
    "INSERT INTO appeals_appeal_pfts(appeals_appeal_pfts) VALUES ('rebuild')",
]


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_public_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "网站"),
                    ("hotline", "12345热线"),
                    ("wechat", "微信"),
                    ("letter", "信件"),
                    ("visit", "来访"),
                ],
                default="web",
                max_length=12,
                verbose_name="来源渠道",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="registered_by",
            field=models.ForeignKey(
                blank=True,
                help_text="电话、信件、来访等由派单中心代群众登记的工作人员",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="代为登记人",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="state",
            field=models.CharField(
                choices=[
                    ("submitted", "待受理"),
                    ("accepted", "已受理"),
                    ("assigned", "已派单"),
                    ("in_progress", "办理中"),
                    ("replied", "已答复"),
                    ("closed", "已办结"),
                    ("rejected", "不予受理"),
                    ("returned", "已退回"),
                    ("reopened", "重办"),
                    ("withdrawn", "已撤回"),
                ],
                db_index=True,
                default="submitted",
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(
            PUBLIC_INDEX.run({"sqlite": RESTORE_SQLITE_TRIGGERS}), migrations.RunPython.noop
        ),
    ]
