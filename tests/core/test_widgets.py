"""The long-list selects write what Django's own select templates write."""

import re

import pytest
from django import forms

from massline.core import widgets

CHOICES = [
    ("", "请选择承办单位"),
    ("5", "黄冈市人民政府"),
    ("10", '\u3000黄冈市交通运输局 <& "引号">'),
    ("城区", [("11", "东湖街道"), ("12", "赤壁街道")]),
]


def same_html(html: str) -> str:
    """Django's templates leave blank lines between options."""
    return re.sub(r"\n\s*\n", "\n", html)


@pytest.mark.parametrize(
    ("django_widget", "ours", "value"),
    [
        (forms.Select, widgets.Select, "10"),
        (forms.Select, widgets.Select, None),
        (forms.SelectMultiple, widgets.SelectMultiple, ["5", "12"]),
    ],
)
def test_the_same_html_as_djangos_select(django_widget, ours, value):
    attrs = {"data-filter": "org", "required": True, "aria-invalid": "true", "hidden": False}
    theirs = django_widget(attrs=attrs, choices=CHOICES).render("org_id", value, {"id": "x"})
    mine = ours(attrs=attrs, choices=CHOICES).render("org_id", value, {"id": "x"})
    assert same_html(mine) == same_html(theirs)
    assert "&lt;&amp; &quot;引号&quot;&gt;" in mine and "<optgroup" in mine
