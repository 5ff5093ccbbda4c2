from django import forms
from django.contrib import admin

from .models import Membership, Org, Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent"]
        labels = {"parent": "上级区划"}


class OrgForm(forms.ModelForm):
    class Meta:
        model = Org
        fields = [
            "name",
            "short_name",
            "kind",
            "level",
            "region",
            "parent",
            "public_phones",
            "is_active",
        ]
        labels = {"parent": "上级机构", "region": "所在区划"}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "org", "role"]
        labels = {"user": "用户", "org": "机构"}


@admin.display(description="上级", ordering="parent__name")
def parent_name(obj: Region | Org) -> str:
    return obj.parent.name if obj.parent_id else "—"


@admin.display(description="树路径")
def tree_path(obj: Region | Org) -> str:
    return obj.path


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ["code", "name", "short_name", "level", parent_name]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name"]
    raw_id_fields = ["parent"]
    readonly_fields = [tree_path]
    list_select_related = ["parent"]
    list_per_page = 50


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    form = OrgForm
    list_display = ["name", "short_name", "kind", "level", "region_name", parent_name, "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "short_name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    readonly_fields = [tree_path]
    list_select_related = ["region", "parent"]
    list_per_page = 50

    @admin.display(description="所在区划", ordering="region__code")
    def region_name(self, obj: Org) -> str:
        return obj.region.name


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["member", "org_name", "role", "joined"]
    list_filter = ["role", "org__kind"]
    search_fields = ["user__username", "user__real_name", "user__phone", "org__name"]
    autocomplete_fields = ["user", "org"]
    list_select_related = ["user", "org"]

    @admin.display(description="用户", ordering="user__username")
    def member(self, obj: Membership) -> str:
        return str(obj.user)

    @admin.display(description="机构", ordering="org__name")
    def org_name(self, obj: Membership) -> str:
        return obj.org.name

    @admin.display(description="加入时间", ordering="created_at")
    def joined(self, obj: Membership):
        return obj.created_at
