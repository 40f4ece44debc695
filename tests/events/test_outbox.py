"""The outbox is ready for a relay: each event has an id consumers can deduplicate on, says which
record it is about and in which order, marks its workspace as having work, and leaves an audit
entry without personal data; dispatched events are purged after the retention."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.events.models import AuditEntry, Event
from modules.events.services import event_record, events_record, events_record_changed, outbox_purge
from modules.events.tasks import outbox_purge_all
from modules.tenancy.models import PendingOutbox
from tests.conftest import on_own_connection


@pytest.fixture
def alpha(team_a):
    with tenant_context(team_a.tenant):
        yield team_a


def test_each_record_numbers_its_own_events_in_order(alpha):
    lead = services.lead_create(actor=alpha.admin, name="Ana", email="ana@padaria.com.br")
    other = services.lead_create(actor=alpha.admin, name="Beto", email="beto@padaria.com.br")
    services.lead_update(actor=alpha.admin, lead=lead, changes={"company": "Padaria Pão Quente"})

    ours = Event.objects.filter(aggregate_type="lead", aggregate_id__in=[lead.pk, other.pk])
    events = list(ours.values_list("aggregate_id", "aggregate_version", "name"))

    assert events == [(lead.pk, 1, "lead.created"), (other.pk, 1, "lead.created"), (lead.pk, 2, "lead.updated")]
    assert len(set(ours.values_list("uuid", flat=True))) == 3
    assert set(ours.values_list("payload_version", flat=True)) == {1}


def test_recording_an_event_marks_its_workspace_and_no_other(alpha, team_b):
    PendingOutbox.objects.all().delete()  # what committed tests left; rolled back with this test
    services.lead_create(actor=alpha.admin, name="Ana", email="ana@padaria.com.br")

    pending = set(PendingOutbox.objects.values_list("tenant_id", flat=True))

    assert alpha.tenant.pk in pending
    assert team_b.tenant.pk not in pending


def test_an_update_leaves_an_audit_entry_with_field_names_and_no_values(alpha):
    event_record(
        name="lead.updated", payload={"id": 41, "email": "ana@padaria.com.br"}, actor=alpha.manager,
        changes={"email": {"old": "ana@old.com.br", "new": "ana@padaria.com.br"}, "company": {"old": "", "new": "X"}},
    )

    entry = AuditEntry.objects.get(aggregate_type="lead", aggregate_id=41)

    assert (entry.action, entry.fields, entry.actor_id) == ("lead.updated", ["company", "email"], alpha.manager.pk)
    assert "padaria" not in str(AuditEntry.objects.values().get(pk=entry.pk))


def test_an_import_records_first_versions_audit_entries_and_the_mark(alpha):
    ids = [10**12 + n for n in range(3)]  # ids no lead of the session has
    count = events_record(name="lead.created", payloads=[{"id": id_} for id_ in ids], actor=alpha.admin)

    assert count == 3
    imported = Event.objects.filter(aggregate_id__in=ids).values_list("aggregate_id", "aggregate_version")
    assert list(imported) == [(id_, 1) for id_ in ids]
    assert AuditEntry.objects.filter(aggregate_id__in=ids).count() == 3
    assert PendingOutbox.objects.filter(tenant_id=alpha.tenant.pk).exists()


def test_many_changes_by_one_actor_follow_each_records_versions_and_are_audited(alpha):
    ids = [10**12 + n for n in range(3)]  # ids no record of the session has
    event_record(name="transaction.reconciled", payload={"id": ids[0]}, actor=alpha.admin)
    PendingOutbox.objects.filter(tenant_id=alpha.tenant.pk).delete()

    count = events_record_changed(
        name="transaction.reconciled", payloads=[{"id": id_, "reconciled": True} for id_ in ids], actor=alpha.user
    )

    assert count == 3
    recorded = Event.objects.filter(aggregate_type="transaction", aggregate_id__in=ids).order_by("aggregate_id", "id")
    assert list(recorded.values_list("aggregate_id", "aggregate_version", "actor_id")) == [
        (ids[0], 1, alpha.admin.pk), (ids[0], 2, alpha.user.pk), (ids[1], 1, alpha.user.pk), (ids[2], 1, alpha.user.pk),
    ]
    audited = AuditEntry.objects.filter(aggregate_type="transaction", aggregate_id__in=ids, actor=alpha.user)
    assert sorted(audited.values_list("aggregate_id", flat=True)) == ids
    assert PendingOutbox.objects.filter(tenant_id=alpha.tenant.pk).exists()


def test_a_change_that_rolls_back_leaves_no_event_and_no_mark(team_a):
    on_own_connection(PendingOutbox.objects.filter(tenant_id=team_a.tenant.pk).delete)  # left by committed tests

    def create_then_fail():
        with tenant_context(team_a.tenant), transaction.atomic():
            services.lead_create(actor=team_a.admin, name="Ghost", email="ghost@padaria.com.br")
            transaction.set_rollback(True)
        with tenant_context(team_a.tenant):
            return Event.objects.filter(payload__email="ghost@padaria.com.br").count(), PendingOutbox.objects.filter(
                tenant_id=team_a.tenant.pk
            ).count()

    assert on_own_connection(create_then_fail) == (0, 0)


def test_dispatched_events_are_purged_after_the_retention_and_the_rest_stays(alpha, settings):
    lead = services.lead_create(actor=alpha.admin, name="Ana", email="ana@padaria.com.br")
    old, recent = timezone.now() - timedelta(days=31), timezone.now() - timedelta(days=1)
    undelivered = Event.objects.get(aggregate_id=lead.pk)
    delivered_long_ago = event_record(name="lead.updated", payload={"id": lead.pk}, actor=None)
    delivered_lately = event_record(name="lead.updated", payload={"id": lead.pk}, actor=None)
    Event.objects.filter(pk=delivered_long_ago.pk).update(dispatched_at=old)
    Event.objects.filter(pk=delivered_lately.pk).update(dispatched_at=recent)

    assert outbox_purge(older_than_days=30) == 1
    left = Event.objects.filter(aggregate_type="lead", aggregate_id=lead.pk).values_list("pk", flat=True)
    assert set(left) == {undelivered.pk, delivered_lately.pk}
    assert AuditEntry.objects.filter(aggregate_id=lead.pk).count() == 3


def test_the_nightly_purge_visits_every_workspace(alpha, team_b):
    assert outbox_purge_all() >= 2
