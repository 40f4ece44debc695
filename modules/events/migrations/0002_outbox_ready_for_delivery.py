import uuid

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Events written before: their record is named by the event's prefix and the payload's id, their
# versions follow their order.
FILL = """
UPDATE events_event AS event SET
    uuid = gen_random_uuid(),
    aggregate_type = split_part(event.name, '.', 1),
    aggregate_id = COALESCE((event.payload->>'id')::bigint, 0),
    aggregate_version = numbered.version
FROM (
    SELECT id, row_number() OVER (
        PARTITION BY split_part(name, '.', 1), COALESCE((payload->>'id')::bigint, 0) ORDER BY id
    ) AS version
    FROM events_event
) AS numbered
WHERE numbered.id = event.id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="event", name="events_undelivered_idx"),
        migrations.RenameField(model_name="event", old_name="delivered_at", new_name="dispatched_at"),
        migrations.AlterField(model_name="event", name="name", field=models.CharField(max_length=64)),
        migrations.AlterField(model_name="event", name="occurred_at", field=models.DateTimeField(auto_now_add=True)),
        migrations.AddField(model_name="event", name="uuid", field=models.UUIDField(null=True)),
        migrations.AddField(model_name="event", name="aggregate_type", field=models.CharField(max_length=32, null=True)),
        migrations.AddField(model_name="event", name="aggregate_id", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="event", name="aggregate_version", field=models.PositiveIntegerField(null=True)),
        migrations.AddField(model_name="event", name="payload_version", field=models.PositiveSmallIntegerField(default=1)),
        migrations.AddField(model_name="event", name="changes", field=models.JSONField(blank=True, null=True)),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="event", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(model_name="event", name="aggregate_type", field=models.CharField(max_length=32)),
        migrations.AlterField(model_name="event", name="aggregate_id", field=models.BigIntegerField()),
        migrations.AlterField(model_name="event", name="aggregate_version", field=models.PositiveIntegerField()),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                fields=("aggregate_type", "aggregate_id", "aggregate_version"), name="events_aggregate_version_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(dispatched_at__isnull=True), fields=["id"], name="events_undispatched_idx",
            ),
        ),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=64)),
                ("aggregate_type", models.CharField(max_length=32)),
                ("aggregate_id", models.BigIntegerField()),
                (
                    "fields",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=64), blank=True, default=list, size=None,
                    ),
                ),
                ("occurred_at", models.DateTimeField(auto_now_add=True)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+", to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [models.Index(fields=["aggregate_type", "aggregate_id"], name="audit_record_idx")],
            },
        ),
    ]
