"""Keep a case row narrow: its long texts and its tsvector are stored out of line (TOAST)
instead of in the row itself. A search reads the rows the GIN index points at; narrow
rows mean a common word visits ~30 MB of table at 100,000 cases instead of ~200 MB, and
the list's index walks touch fewer pages. PostgreSQL only; existing rows follow as they
are rewritten (VACUUM FULL moves them at once)."""

from django.db import migrations


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case SET (toast_tuple_target = 128)")


def wide(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_article_without_names"),
    ]

    operations = [migrations.RunPython(narrow, wide)]
