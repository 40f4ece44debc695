"""modules.crm.scoring: each tenant's lead-scoring model, learned from its own closed leads."""

from datetime import timedelta
from itertools import count

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.crm.models import Activity, ActivityType, Lead, LeadScoreModel, LeadStatus, RelatedType, Source
from modules.crm.scoring import (
    PRIOR,
    email_domain_kind,
    lead_score_compute,
    lead_score_explain,
    leads_rescore,
    position_seniority,
    score_model_train,
    score_retrain_schedule,
)
from modules.crm.tasks import lead_scores_retrain

_email_numbers = count(1)


def make_leads(
    number: int, *, status: str = LeadStatus.NEW, source: str = Source.WEBSITE, company: str = "Acme Ltda",
    domain: str = "acme.com.br", phone: str = "+5511999990000", position: str = "Sales Manager",
    tags: tuple[str, ...] = (), score: int = 0, score_is_manual: bool = False,
) -> list[Lead]:
    closed_at = timezone.now() - timedelta(days=10) if status in (LeadStatus.CONVERTED, LeadStatus.LOST) else None
    return Lead.objects.bulk_create([
        Lead(
            name=f"Lead {n}", email=f"lead{n}@{domain}", source=source, company=company, phone=phone,
            position=position, tags=list(tags), status=status, closed_at=closed_at, score=score,
            score_is_manual=score_is_manual,
        )
        for n in (next(_email_numbers) for _ in range(number))
    ])


def history(*, source: str, converted: int, lost: int, **fields) -> list[Lead]:
    return [
        *make_leads(converted, status=LeadStatus.CONVERTED, source=source, **fields),
        *make_leads(lost, status=LeadStatus.LOST, source=source, **fields),
    ]


def log_activities(lead: Lead, number: int, *, days_ago: float) -> None:
    Activity.objects.bulk_create([
        Activity(type=ActivityType.CALL, subject=f"Call {n}", related_to_type=RelatedType.LEAD, related_to_id=lead.pk)
        for n in range(number)
    ])
    # created_at is set on insert; move them back to when they happened.
    Activity.objects.filter(related_to_type=RelatedType.LEAD, related_to_id=lead.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


def stored_score(lead: Lead) -> int:
    return Lead.objects.get(pk=lead.pk).score


def factor_labels(factors: list[dict]) -> list[str]:
    return [factor["label"] for factor in factors]


@pytest.mark.parametrize(
    ("converts", "does_not", "label_up", "label_down"),
    [
        (Source.REFERRAL, Source.ADS, "Source: Referral", "Source: Ads"),
        (Source.ADS, Source.REFERRAL, "Source: Ads", "Source: Referral"),  # against the prior's belief
    ],
    ids=["as-the-prior-expects", "against-the-prior"],
)
def test_it_learns_which_source_converts_from_the_tenants_history(team_a, converts, does_not, label_up, label_down):
    connection.set_tenant(team_a.tenant)
    history(source=converts, converted=64, lost=16)
    history(source=does_not, converted=8, lost=72)
    [good, poor] = make_leads(1, source=converts) + make_leads(1, source=does_not)
    gap_before_training = lead_score_compute(good) - lead_score_compute(poor)

    model = score_model_train()
    changed = leads_rescore()

    assert (model.converted, model.lost) == (72, 88)
    assert changed == 2
    assert stored_score(good) - stored_score(poor) >= 50
    assert stored_score(good) - stored_score(poor) > gap_before_training
    good_explained = lead_score_explain(Lead.objects.get(pk=good.pk))
    poor_explained = lead_score_explain(Lead.objects.get(pk=poor.pk))
    assert good_explained["cold_start"] is False
    assert good_explained["trained_on"] == {"converted": 72, "lost": 88}
    assert good_explained["score"] == good_explained["model_score"] == stored_score(good)
    top_up = dict(good_explained["factors_up"][0])
    assert top_up.pop("impact") > 0
    assert top_up == {"feature": "source", "value": converts, "label": label_up}
    assert label_up not in factor_labels(good_explained["factors_down"])
    assert poor_explained["factors_down"][0]["label"] == label_down
    assert poor_explained["factors_down"][0]["impact"] < 0


def test_a_new_tenant_scores_with_the_prior_and_says_so(team_a):
    connection.set_tenant(team_a.tenant)
    [promising] = make_leads(
        1, source=Source.REFERRAL, company="Acme Ltda", domain="acme.com.br", phone="+5511999990000",
        position="Diretora Comercial",
    )
    [bare] = make_leads(1, source=Source.OTHER, company="", domain="gmail.com", phone="", position="")

    explained = lead_score_explain(promising)

    assert lead_score_compute(promising) >= 70
    assert lead_score_compute(bare) <= 10
    assert explained["cold_start"] is True
    assert explained["trained_on"] == {"converted": 0, "lost": 0}
    assert explained["model_score"] == lead_score_compute(promising)
    assert {"Source: Referral", "Business email address", "Position: executive", "Phone given", "Company given"} <= set(
        factor_labels(explained["factors_up"])
    )
    assert "Free webmail address" in factor_labels(lead_score_explain(bare)["factors_down"])


def test_it_keeps_to_the_prior_until_five_leads_have_converted_and_five_were_lost(team_a):
    connection.set_tenant(team_a.tenant)
    history(source=Source.ADS, converted=9, lost=4)
    [lead] = make_leads(1, source=Source.ADS)

    score_model_train()
    four_lost = lead_score_explain(lead)
    history(source=Source.ADS, converted=0, lost=1)
    score_model_train()
    five_lost = lead_score_explain(lead)

    assert (four_lost["cold_start"], four_lost["trained_on"]) == (True, {"converted": 9, "lost": 4})
    assert (five_lost["cold_start"], five_lost["trained_on"]) == (False, {"converted": 9, "lost": 5})
    assert five_lost["model_score"] > four_lost["model_score"]


# What the prior says raises a score, and what it says lowers one: learned factors may weaken
# these, but no history this thin may show them the other way round.
PRIOR_UP = {"Company given", "Business email address", "Phone given", "Position: executive"}
PRIOR_DOWN = {"No company", "Free webmail address", "No phone", "No position"}


def contradictions(explained: dict) -> set[str]:
    return (set(factor_labels(explained["factors_up"])) & PRIOR_DOWN) | (
        set(factor_labels(explained["factors_down"])) & PRIOR_UP
    )


def promising_and_bare() -> list[Lead]:
    return make_leads(
        1, source=Source.REFERRAL, company="Acme Ltda", domain="acme.com.br", position="Diretora Comercial",
    ) + make_leads(1, source=Source.OTHER, company="", domain="gmail.com", phone="", position="")


def test_an_imported_history_of_one_conversion_and_53_losses_keeps_the_scores_of_the_prior(team_a):
    """The file that made every lead score 0-11: its one converted lead had no company and a
    webmail address, the 53 lost ones both."""
    connection.set_tenant(team_a.tenant)
    make_leads(1, status=LeadStatus.CONVERTED, source=Source.WEBSITE, company="", domain="gmail.com")
    make_leads(53, status=LeadStatus.LOST, source=Source.WEBSITE, company="Acme Ltda", domain="acme.com.br")
    [promising, bare] = promising_and_bare()
    prior_scores = [lead_score_compute(promising), lead_score_compute(bare)]

    score_model_train()
    leads_rescore()

    assert [stored_score(promising), stored_score(bare)] == prior_scores
    assert stored_score(promising) >= 70 and stored_score(bare) <= 10
    for lead in (promising, bare):
        explained = lead_score_explain(Lead.objects.get(pk=lead.pk))
        assert explained["cold_start"] is True
        assert explained["trained_on"] == {"converted": 1, "lost": 53}
        assert contradictions(explained) == set()


def test_a_thin_side_of_history_bends_the_prior_without_turning_a_factor_around(team_a):
    """Enough of each outcome to learn from, but every converted lead lacked a company and used
    webmail: five leads cannot teach that having no company sells."""
    connection.set_tenant(team_a.tenant)
    make_leads(5, status=LeadStatus.CONVERTED, source=Source.WEBSITE, company="", domain="gmail.com")
    make_leads(100, status=LeadStatus.LOST, source=Source.WEBSITE, company="Acme Ltda", domain="acme.com.br")
    [promising, bare] = promising_and_bare()

    score_model_train()
    leads_rescore()

    explained = {lead.pk: lead_score_explain(Lead.objects.get(pk=lead.pk)) for lead in (promising, bare)}
    assert explained[promising.pk]["cold_start"] is False
    assert [contradictions(one) for one in explained.values()] == [set(), set()]
    assert stored_score(promising) - stored_score(bare) >= 20


def test_ample_history_teaches_a_tag_the_prior_knows_nothing_about(team_a):
    connection.set_tenant(team_a.tenant)
    make_leads(30, status=LeadStatus.CONVERTED, tags=("trade-fair",))
    make_leads(10, status=LeadStatus.LOST, tags=("trade-fair",))
    make_leads(30, status=LeadStatus.LOST)
    [tagged] = make_leads(1, tags=("trade-fair",))
    [untagged] = make_leads(1)

    score_model_train()
    leads_rescore()

    assert stored_score(tagged) - stored_score(untagged) >= 15
    assert "Tag: trade-fair" in factor_labels(lead_score_explain(Lead.objects.get(pk=tagged.pk))["factors_up"])


def test_rescoring_leaves_manual_scores_and_closed_leads_alone(team_a):
    connection.set_tenant(team_a.tenant)
    [manual] = make_leads(1, source=Source.REFERRAL, score=42, score_is_manual=True)
    [converted] = make_leads(1, status=LeadStatus.CONVERTED, source=Source.REFERRAL, score=7)
    [lost] = make_leads(1, status=LeadStatus.LOST, source=Source.REFERRAL, score=3)
    [open_lead] = make_leads(1, source=Source.REFERRAL, score=0)

    changed = leads_rescore()

    assert changed == 1
    assert stored_score(open_lead) == lead_score_compute(open_lead) > 0
    assert (stored_score(manual), stored_score(converted), stored_score(lost)) == (42, 7, 3)
    assert leads_rescore() == 0  # nothing left to change


def test_the_retrain_task_learns_in_its_tenants_schema_only(team_a, team_b):
    connection.set_tenant(team_b.tenant)
    [beta_lead] = make_leads(1, source=Source.ADS)
    connection.set_tenant(team_a.tenant)
    history(source=Source.ADS, converted=32, lost=8)
    history(source=Source.REFERRAL, converted=4, lost=36)
    [alpha_lead] = make_leads(1, source=Source.ADS)

    changed = lead_scores_retrain.delay().get()

    alpha_model = LeadScoreModel.objects.get()
    alpha_score = stored_score(alpha_lead)
    assert (alpha_model.converted, alpha_model.lost, changed) == (36, 44, 1)
    assert alpha_score == lead_score_compute(alpha_lead)
    connection.set_tenant(team_b.tenant)
    assert LeadScoreModel.objects.exists() is False
    assert lead_score_explain(beta_lead)["cold_start"] is True
    assert stored_score(beta_lead) == 0
    assert lead_score_compute(beta_lead) < alpha_score  # the same ads lead, scored by beta's prior


def test_recent_activity_raises_a_score_once_history_shows_engaged_leads_convert(team_a):
    connection.set_tenant(team_a.tenant)
    for lead in history(source=Source.WEBSITE, converted=20, lost=0):
        log_activities(lead, 4, days_ago=12)  # two days before each closed
    history(source=Source.WEBSITE, converted=2, lost=20)
    [engaged, untouched] = make_leads(2, source=Source.WEBSITE)
    log_activities(engaged, 5, days_ago=1)

    score_model_train()
    leads_rescore()

    assert stored_score(engaged) - stored_score(untouched) >= 50
    explained = lead_score_explain(Lead.objects.get(pk=engaged.pk))
    assert {"4 or more activities", "Last activity within 7 days"} <= set(factor_labels(explained["factors_up"]))
    assert {"No activities", "Never contacted"} <= set(
        factor_labels(lead_score_explain(Lead.objects.get(pk=untouched.pk))["factors_down"])
    )


def test_logging_an_activity_rescores_its_open_lead_and_leaves_manual_and_closed_ones_alone(team_a):
    connection.set_tenant(team_a.tenant)
    for lead in history(source=Source.WEBSITE, converted=20, lost=0):
        log_activities(lead, 4, days_ago=12)
    history(source=Source.WEBSITE, converted=2, lost=20)
    score_model_train()
    [open_lead, manual] = make_leads(2, source=Source.WEBSITE)
    Lead.objects.filter(pk=manual.pk).update(score=42, score_is_manual=True)
    [lost] = make_leads(1, status=LeadStatus.LOST, source=Source.WEBSITE, score=3)
    contact = services.contact_create(actor=team_a.admin, name="Carlos", email="carlos.engaged@example.com")

    for lead in (open_lead, manual, lost):
        for _ in range(4):
            services.activity_create(
                actor=team_a.admin, type=ActivityType.CALL, subject="Call", related_to_type=RelatedType.LEAD,
                related_to_id=lead.pk,
            )
    services.activity_create(  # about a contact: no lead's score moves, whatever its id
        actor=team_a.admin, type=ActivityType.CALL, subject="Call", related_to_type=RelatedType.CONTACT,
        related_to_id=contact.pk,
    )

    assert stored_score(open_lead) == lead_score_compute(Lead.objects.get(pk=open_lead.pk)) >= 50
    assert (stored_score(manual), stored_score(lost)) == (42, 3)


@pytest.mark.parametrize("before, after, retrains, closed", [
    (LeadStatus.NEW, LeadStatus.LOST, True, True),
    (LeadStatus.LOST, LeadStatus.CONTACTED, True, False),
    (LeadStatus.NEW, LeadStatus.CONTACTED, False, False),
])
def test_a_lead_reaching_or_leaving_an_outcome_retrains_the_model_and_dates_its_close(
    team_a, retrain_runs, django_capture_on_commit_callbacks, before, after, retrains, closed
):
    connection.set_tenant(team_a.tenant)
    lead = services.lead_create(actor=team_a.admin, name="Ana", email="ana.outcome@example.com", status=before)
    cache.clear()  # creating a lost lead scheduled a retrain of its own

    with django_capture_on_commit_callbacks(execute=True):
        services.lead_update(actor=team_a.admin, lead=lead, changes={"status": after})

    assert retrain_runs == (["alpha"] if retrains else [])
    assert (Lead.objects.get(pk=lead.pk).closed_at is not None) is closed


def test_activities_logged_after_a_lead_closed_do_not_teach_the_model(team_a):
    connection.set_tenant(team_a.tenant)
    for lead in history(source=Source.WEBSITE, converted=10, lost=10):
        log_activities(lead, 4, days_ago=1)  # follow-up after the outcome, nine days after closing

    model = score_model_train()

    assert model.counts["activities"] == {"0": [10, 10]}


def test_completing_an_activity_is_engagement_but_not_after_the_lead_closed(team_a):
    """Done a day ago, the call planned 45 days ago is recent engagement for an open lead; for
    leads that closed ten days ago, training sees them as they were then: contacted long before."""
    connection.set_tenant(team_a.tenant)
    closed = history(source=Source.WEBSITE, converted=5, lost=5)
    [open_lead] = make_leads(1)
    for lead in [*closed, open_lead]:
        log_activities(lead, 1, days_ago=45)
    Activity.objects.update(completed=True, completed_at=timezone.now() - timedelta(days=1))

    model = score_model_train()
    leads_rescore()

    assert model.counts["last_activity"] == {"older": [5, 5]}
    assert stored_score(open_lead) == lead_score_compute(open_lead)  # the nightly rescore agrees
    assert "Last activity over 30 days ago" in factor_labels(lead_score_explain(closed[0])["factors_down"])
    assert "Last activity within 7 days" in factor_labels(lead_score_explain(open_lead)["factors_up"])


@pytest.fixture
def retrain_runs():
    """How many times the retrain task ran (tests run tasks eagerly)."""
    runs = []

    def count_run(sender, **kwargs):
        runs.append(connection.schema_name)

    task_prerun.connect(count_run, sender=lead_scores_retrain, weak=False)
    yield runs
    task_prerun.disconnect(count_run, sender=lead_scores_retrain)


def test_a_burst_of_outcome_changes_schedules_one_retrain(team_a, retrain_runs, django_capture_on_commit_callbacks):
    connection.set_tenant(team_a.tenant)
    history(source=Source.REFERRAL, converted=10, lost=10)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for _ in range(1000):
                score_retrain_schedule()
        assert retrain_runs == []  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        score_retrain_schedule()  # a moment later, in another transaction

    assert retrain_runs == ["alpha"]
    assert LeadScoreModel.objects.get().converted == 10


def test_a_change_after_the_debounce_window_schedules_another_retrain(
    team_a, retrain_runs, django_capture_on_commit_callbacks
):
    connection.set_tenant(team_a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        score_retrain_schedule()

    cache.clear()  # the window's key expires
    with django_capture_on_commit_callbacks(execute=True):
        score_retrain_schedule()

    assert retrain_runs == ["alpha", "alpha"]


def test_a_change_made_in_a_tenant_context_retrains_that_tenant_after_the_outer_commit(
    team_a, retrain_runs, django_capture_on_commit_callbacks
):
    """The demo loader and admin actions change a tenant's leads inside tenant_context, within a
    transaction that commits after the context has ended, back in `public`."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with tenant_context(team_a.tenant):
            history(source=Source.REFERRAL, converted=10, lost=10)
            score_retrain_schedule()
        assert connection.schema_name == "public"

    assert retrain_runs == ["alpha"]
    with tenant_context(team_a.tenant):
        assert LeadScoreModel.objects.get().converted == 10


def test_a_rolled_back_change_schedules_nothing(team_a, retrain_runs, django_capture_on_commit_callbacks):
    connection.set_tenant(team_a.tenant)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        score_retrain_schedule()
        raise RuntimeError("the conversion failed")

    assert retrain_runs == []
    assert LeadScoreModel.objects.exists() is False


@pytest.mark.parametrize(
    ("position", "seniority"),
    [
        ("CEO", "executive"), ("Co-founder", "executive"), ("Diretora de Vendas", "executive"),
        ("Dueño", "executive"), ("Gerente General", "executive"), ("VP of Sales", "executive"),
        ("Sales Manager", "manager"), ("Gerente de Compras", "manager"), ("Coordenadora de TI", "manager"),
        ("Head of Marketing", "manager"), ("Jefe de Ventas", "manager"),
        ("Analista Financeiro", "staff"), ("Software Engineer", "staff"), ("", "none"), ("   ", "none"),
    ],
)
def test_job_titles_in_three_languages_map_to_a_seniority(position, seniority):
    assert position_seniority(position) == seniority


@pytest.mark.parametrize(
    ("email", "kind"),
    [("ana@gmail.com", "free"), ("joao@UOL.com.br", "free"), ("maria@hotmail.es", "free"),
     ("ana@acme.com.br", "business"), ("", "none")],
)
def test_email_addresses_are_business_free_or_none(email, kind):
    assert email_domain_kind(email) == kind


def test_the_prior_describes_each_outcome_completely():
    for feature, values in PRIOR.items():
        assert sum(converted for converted, _ in values.values()) == 100, feature
        assert sum(lost for _, lost in values.values()) == 100, feature
