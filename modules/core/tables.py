"""The lists' table base (django-tables2). Rows come from layouts/partials/_table_row.html, so a
view that changes one record can answer with its row alone."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html


class RecordTable(tables.Table):
    """Subclasses say `class Meta(RecordTable.Meta)` to keep the look and the row template."""

    class Meta:
        attrs = {"class": "striped"}
        template_name = "layouts/partials/_table.html"
        fields = ()


def record_link(url_name: str, record, text) -> str:
    # Off the table's hx-boost: a record's page replaces the whole page, not the table.
    return format_html('<a href="{}" hx-boost="false">{}</a>', reverse(url_name, args=[record.pk]), text)
