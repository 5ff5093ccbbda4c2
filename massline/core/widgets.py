"""Form widgets for long lists of choices.

Django renders a select through two templates per option; the few hundred orgs a city
dispatcher may send work to then cost more to render than the rest of the page. These widgets
write the same HTML as Django's select templates, escaped alike, from Python.
"""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, mark_safe("") if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class _PythonRendered:
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    option["value"],
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        parts.append(mark_safe("\n</select>"))
        return mark_safe("".join(parts))


class Select(_PythonRendered, forms.Select):
    """`forms.Select`, rendered in Python."""


class SelectMultiple(_PythonRendered, forms.SelectMultiple):
    """`forms.SelectMultiple`, rendered in Python."""


class WordsSelect(Select):
    """A select whose options carry `data-words` (what people call each choice), for the
    type-ahead picker (core/static/js/picker.js)."""

    def __init__(self, *args: Any, words: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.words = words or {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        words = self.words.get(str(option["value"]))
        if words:
            option["attrs"]["data-words"] = words
        return option
