import re

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr


class Level(models.IntegerChoices):
    CENTRAL = 1, "中央"
    PROVINCE = 2, "省"
    CITY = 3, "市"
    COUNTY = 4, "县"
    TOWNSHIP = 5, "乡镇"


class Region(models.Model):
    """A place of the GB/T 2260 tree: level 1 is the country, 2 province … 5 township/street."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=30, blank=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=80, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    def ancestors(self) -> list["Region"]:
        codes = [c for c in self.path.split("/") if c]
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors() if r.level > Level.CENTRAL)


class OrgKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "部门"
    HUB = "hub", "派单中心"
    DISCIPLINE = "discipline", "纪检监察"
    PARTY_COMMITTEE = "party_committee", "党委"
    PARTY_GENERAL_BRANCH = "party_general_branch", "党总支"
    PARTY_BRANCH = "party_branch", "党支部"


class Org(models.Model):
    """One node of the single org tree: governments, departments, hubs and party organisations."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=24, choices=OrgKind.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="orgs")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField("启用", default=True)
    public_phones = models.CharField(
        "公开联系电话",
        max_length=200,
        blank=True,
        help_text="本单位对外公布的电话，多个用逗号或空格分开；答复等公开文字中的这些号码不打码。",
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "") + f"{self.pk}/"
        if path != self.path:
            old, self.path = self.path, path
            Org.objects.filter(pk=self.pk).update(path=path)
            if old:
                Org.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1))
                )

    @property
    def scope(self) -> "Org":
        """Whose subtree a member of this org oversees: a hub works for its government."""
        if self.kind == OrgKind.HUB and self.parent_id:
            return self.parent
        return self

    def subtree(self):
        return Org.objects.filter(path__startswith=self.path)

    @property
    def public_numbers(self) -> list[str]:
        """The registered public numbers as digits (0713-8888826 → 07138888826)."""
        found = []
        for written in re.split(r"[,，;；、\s]+", self.public_phones):
            digits = re.sub(r"\D", "", written)
            if len(digits) < 5:
                continue
            found.append(digits)
            if digits.startswith("0") and len(digits) >= 10:  # also without the area code
                found.append(
                    digits[3:] if digits[:3] in ("010",) or digits[1] == "2" else digits[4:]
                )
        return found


class Role(models.TextChoices):
    RESIDENT = "resident", "群众"
    DISPATCHER = "dispatcher", "派单员"
    HANDLER = "handler", "承办人"
    LEADER = "leader", "领导"
    ANALYST = "analyst", "分析员"
    PARTY_SECRETARY = "party_secretary", "党组织书记"
    PARTY_MEMBER = "party_member", "党员"
    ADMIN = "admin", "管理员"
    CO_HANDLER = "co_handler", "协办人"
    SYSTEM = "system", "系统"


ACTOR_ONLY_ROLES = (Role.CO_HANDLER, Role.SYSTEM)
"""Roles an actor holds towards one appeal (a co-handling org's handler) or that the platform
itself holds; never granted by a membership."""
MEMBER_ROLES = [(value, label) for value, label in Role.choices if value not in ACTOR_ONLY_ROLES]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=MEMBER_ROLES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "机构成员"
        verbose_name_plural = "机构成员"
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"
