"""Lead scoring: a naive Bayes each tenant learns from its own closed leads.

The approach of Odoo's predictive lead scoring: for every feature value, how often it appears
among converted leads and among lost ones (Laplace-smoothed frequencies), combined as
P(converted | features). Ours also turns numbers and engagement (job title seniority, how many
activities, how recent the last one) into categorical values, so one model reads them all.

We work in log-odds: the log-odds of conversion before anything is known, plus one log-likelihood
ratio, ln(P(value | converted) / P(value | lost)), per feature value of the lead. That sum is
what the score (its logistic, in percent) and the explanation (the terms themselves) are made of.

A new tenant has no history, so a fixed prior -- pseudo-counts expressing common B2B experience --
scores its leads until MIN_PER_OUTCOME leads have converted and as many have been lost: an
imported file with 1 converted lead and 53 lost ones says next to nothing about what converts.
After that each feature value's learned ratio is blended with the prior's by the evidence behind
it (weight n / (n + EVIDENCE_HALF)), so a value seen on a handful of leads barely moves a score,
and an explanation never shows a factor whose sign the history cannot support.
"""

import math
import re
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Max, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.events.services import system_events_record
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import events
from .models import Activity, Lead, LeadScoreModel, LeadStatus, RelatedType, Source

CLOSED_STATUSES = (LeadStatus.CONVERTED, LeadStatus.LOST)

# Fewer converted leads than this, or fewer lost ones, and the prior alone scores.
MIN_PER_OUTCOME = 5
# The prior weighs as much as 30 closed leads, a third of them converted.
PRIOR_CONVERTED = 10
PRIOR_LOST = 20
# A value's learned ratio weighs half against the prior's when its evidence is this much.
EVIDENCE_HALF = 2.0
# An explanation shows a factor against the prior's sign (or a tag, which has no prior) only
# with at least this much evidence behind it.
MIN_EVIDENCE_TO_EXPLAIN = 5.0
# Laplace smoothing: a value never seen with one outcome must not make it impossible.
SMOOTHING = 1.0

# What the prior believes, per feature value: (% of converted leads, % of lost leads) having
# it; each column adds up to 100. Ratios between the two columns are what move a score.
PRIOR = {
    "source": {
        Source.REFERRAL: (35, 10),
        Source.WEBSITE: (25, 15),
        Source.ADS: (17, 25),
        Source.SOCIAL: (13, 25),
        Source.OTHER: (10, 25),
    },
    "company": {"given": (85, 55), "none": (15, 45)},
    "email_domain": {"business": (70, 35), "free": (28, 55), "none": (2, 10)},
    "phone": {"given": (80, 50), "none": (20, 50)},
    "position": {"executive": (35, 15), "manager": (35, 25), "staff": (20, 35), "none": (10, 25)},
    # Every new lead starts with no activity, so "none" is only a mild minus.
    "activities": {"0": (20, 35), "1": (20, 25), "2-3": (30, 22), "4+": (30, 18)},
    "last_activity": {"none": (20, 35), "7d": (40, 20), "30d": (25, 22), "older": (15, 23)},
}
# Each tag is a feature of its own, present or absent, learned from history only. As in Odoo,
# only the tags a lead has count as evidence: an absent tag says little.
TAG_PREFIX = "tag:"
TAG_PRESENT = "yes"

# Free webmail: an address there says less about a company than one on the company's domain.
FREE_EMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.com.br", "hotmail.es", "hotmail.co.uk",
    "outlook.com", "outlook.com.br", "outlook.es", "live.com", "live.com.mx", "msn.com",
    "yahoo.com", "yahoo.com.br", "yahoo.com.mx", "yahoo.es", "yahoo.co.uk", "ymail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com",
    "gmx.net", "mail.com", "zoho.com", "yandex.com", "uol.com.br", "bol.com.br", "terra.com.br",
    "ig.com.br", "globo.com", "r7.com", "prodigy.net.mx",
})

# Seniority from job titles in English, Portuguese and Spanish, matched without accents.
# Executive is tried first: "gerente general" is an executive, "gerente" a manager.
_EXECUTIVE_TITLE = re.compile(
    r"\b(c[eftoim]o|chief|c-level|co-?founder|founder|fundador|fundadora|owner|dono|dona|duena|dueno"
    r"|propietari[oa]|proprietari[oa]|partner|socio|socia|president|presidente|presidenta|chairman"
    r"|[se]?vp|vice[- ]?president|vice[- ]?presidente|director|directora|diretor|diretora"
    r"|general manager|gerente general|gerente geral)\b"
)
_MANAGER_TITLE = re.compile(
    r"\b(manager|gerente|head|coordinator|coordenador|coordenadora|coordinador|coordinadora"
    r"|supervisor|supervisora|team lead|tech lead|lider|jefe|jefa|encargad[oa]|responsavel|responsable"
    r"|superintendent|superintendente)\b"
)

RETRAIN_DEBOUNCE_SECONDS = 30
_RETRAIN_PENDING_KEY = "crm:lead-score-retrain-pending"
_MODEL_ROW_ID = 1  # LeadScoreModel holds one row per tenant schema
RESCORE_BATCH = 5000


class ActivityStats(NamedTuple):
    count: int = 0
    last_at: datetime | None = None


# --- Features ----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def position_seniority(position: str) -> str:
    title = unicodedata.normalize("NFKD", position.lower())
    title = "".join(char for char in title if not unicodedata.combining(char)).strip()
    if not title:
        return "none"
    if _EXECUTIVE_TITLE.search(title):
        return "executive"
    if _MANAGER_TITLE.search(title):
        return "manager"
    return "staff"


def email_domain_kind(email: str) -> str:
    if "@" not in email:
        return "none"
    return "free" if email.rpartition("@")[2].strip().lower() in FREE_EMAIL_DOMAINS else "business"


def _activities_bucket(count: int) -> str:
    if count >= 4:
        return "4+"
    return "2-3" if count >= 2 else str(count)


def _last_activity_bucket(last_at: datetime | None, reference: datetime) -> str:
    if last_at is None:
        return "none"
    age = reference - last_at
    if age < timedelta(days=7):
        return "7d"
    return "30d" if age < timedelta(days=30) else "older"


def lead_features(
    *, source: str, company: str, email: str, phone: str, position: str, tags: list[str],
    activity_stats: ActivityStats, reference: datetime,
) -> list[tuple[str, str]]:
    """(feature, value) pairs of a lead; `reference` is the moment activity recency is measured
    from: now for an open lead, the moment it closed for a closed one."""
    features = [
        ("source", source),
        ("company", "given" if company.strip() else "none"),
        ("email_domain", email_domain_kind(email)),
        ("phone", "given" if phone.strip() else "none"),
        ("position", position_seniority(position)),
        ("activities", _activities_bucket(activity_stats.count)),
        ("last_activity", _last_activity_bucket(activity_stats.last_at, reference)),
    ]
    features += [(TAG_PREFIX + tag, TAG_PRESENT) for tag in dict.fromkeys(tags)]
    return features


def _decided_at(lead: Lead) -> datetime | None:
    """When a closed lead reached its outcome (updated_at stands in for history imported
    without closed_at); None for an open lead."""
    if lead.status not in CLOSED_STATUSES:
        return None
    return lead.closed_at or lead.updated_at


# When an activity last happened: it was logged or planned, or later done (completing a call
# planned a month ago is engagement today). NULLs are ignored by PostgreSQL's GREATEST.
_ACTIVITY_AT = Greatest("created_at", "completed_at")


def lead_activity_stats(lead: Lead) -> ActivityStats:
    """Activities logged on the lead; for a closed lead, only what happened before it closed, as in training."""
    if lead.pk is None:
        return ActivityStats()
    activities = Activity.objects.filter(related_to_type=RelatedType.LEAD, related_to_id=lead.pk)
    decided_at = _decided_at(lead)
    activity_at = _ACTIVITY_AT
    if decided_at is not None:
        activities = activities.filter(created_at__lte=decided_at)
        activity_at = Greatest("created_at", Case(When(completed_at__lte=decided_at, then="completed_at")))
    stats = activities.aggregate(count=Count("id"), last_at=Max(activity_at))
    return ActivityStats(stats["count"], stats["last_at"])


def _lead_features(lead: Lead, activity_stats: ActivityStats) -> list[tuple[str, str]]:
    return lead_features(
        source=lead.source, company=lead.company, email=lead.email, phone=lead.phone,
        position=lead.position, tags=lead.tags or [], activity_stats=activity_stats,
        reference=_decided_at(lead) or timezone.now(),
    )


# --- The model ---------------------------------------------------------------------------------


def _log_ratio(won: float, lost: float, won_total: float, lost_total: float, values: int) -> float:
    """ln(P(value | converted) / P(value | lost)), each frequency Laplace-smoothed over `values`."""
    p_won = (won + SMOOTHING) / (won_total + SMOOTHING * values)
    p_lost = (lost + SMOOTHING) / (lost_total + SMOOTHING * values)
    return math.log(p_won / p_lost)


def _evidence(won: int, lost: int) -> float:
    """How many leads' worth of evidence a learned ratio rests on: the inverse of its variance
    (about 1/won + 1/lost), so it is as thin as the thinner side. 1 converted against 53 lost
    is worth about one lead, 30 against 30 about fifteen."""
    return 1 / (1 / (won + SMOOTHING) + 1 / (lost + SMOOTHING)) - SMOOTHING / 2  # 0 when never seen


class Impact(NamedTuple):
    log_ratio: float  # what the score adds up
    prior_log_ratio: float  # what the prior alone believes (0 for a tag)
    evidence: float  # how much history the learned part rests on


class ScoreModel:
    """A trained (or prior-only) naive Bayes, ready to score: the log-odds of conversion before
    any feature is known, and the log-likelihood ratio of every feature value."""

    def __init__(self, *, converted: int, lost: int, counts: dict) -> None:
        self.converted, self.lost = converted, lost
        self.cold_start = converted < MIN_PER_OUTCOME or lost < MIN_PER_OUTCOME
        if self.cold_start:
            converted, lost, counts = 0, 0, {}
        self.base_log_odds = math.log((PRIOR_CONVERTED + converted) / (PRIOR_LOST + lost))
        self.impacts: dict[str, dict[str, Impact]] = {}
        # A value neither the prior nor the history knows (a source added later): as if seen zero times.
        self.unseen: dict[str, Impact] = {}
        for feature, prior in PRIOR.items():
            learned = counts.get(feature, {})
            values = len({*prior, *learned})
            impacts = {}
            for value in {*prior, *learned}:
                prior_won_pct, prior_lost_pct = prior.get(value, (0, 0))
                prior_ratio = _log_ratio(
                    prior_won_pct * PRIOR_CONVERTED / 100, prior_lost_pct * PRIOR_LOST / 100,
                    PRIOR_CONVERTED, PRIOR_LOST, values,
                )
                impacts[value] = self._blend(prior_ratio, *learned.get(value, (0, 0)))
            self.impacts[feature] = impacts
            self.unseen[feature] = self._blend(_log_ratio(0, 0, PRIOR_CONVERTED, PRIOR_LOST, values), 0, 0)
        for feature, learned in counts.items():
            if feature.startswith(TAG_PREFIX):
                self.impacts[feature] = {TAG_PRESENT: self._blend(0.0, *learned[TAG_PRESENT])}

    def _blend(self, prior_ratio: float, won: int, lost: int) -> Impact:
        """The prior's ratio, moved toward the learned one as far as the value's evidence allows."""
        if self.cold_start:
            return Impact(prior_ratio, prior_ratio, 0.0)
        evidence = _evidence(won, lost)
        weight = evidence / (evidence + EVIDENCE_HALF)
        # Smoothed as present-or-absent: spread over every value, a small class's smoothing
        # would make even a value every lead shares look like a sign of losing.
        learned_ratio = _log_ratio(won, lost, self.converted, self.lost, 2)
        return Impact(weight * learned_ratio + (1 - weight) * prior_ratio, prior_ratio, evidence)

    def _impact(self, feature: str, value: str) -> Impact | None:
        """None for a tag the history never saw."""
        impacts = self.impacts.get(feature)
        if impacts is None:
            return None
        return impacts.get(value, self.unseen.get(feature))

    def contributions(self, features: list[tuple[str, str]]) -> list[tuple[str, str, float]]:
        """(feature, value, log-likelihood ratio) of each feature the model knows and the history
        supports: a ratio against the prior's sign (or a tag's) shows only with enough evidence,
        so one converted lead without a company never reads as "No company" raising a score."""
        found = []
        for feature, value in features:
            impact = self._impact(feature, value)
            if impact is None:
                continue
            agrees = impact.log_ratio * impact.prior_log_ratio > 0
            if agrees or impact.evidence >= MIN_EVIDENCE_TO_EXPLAIN:
                found.append((feature, value, impact.log_ratio))
        return found

    def score(self, features: list[tuple[str, str]]) -> int:
        log_odds = self.base_log_odds
        for feature, value in features:
            impact = self._impact(feature, value)
            log_odds += impact.log_ratio if impact is not None else 0.0
        return _percent(log_odds)


def _percent(log_odds: float) -> int:
    log_odds = max(-50.0, min(50.0, log_odds))  # math.exp overflows far beyond any real score
    return round(100 / (1 + math.exp(-log_odds)))


def score_model_load() -> ScoreModel:
    """The current tenant's model; the prior alone until it has been trained on enough history.
    Load it once and pass it to lead_score_compute when scoring many leads."""
    row = LeadScoreModel.objects.filter(pk=_MODEL_ROW_ID).first()
    if row is None:
        return ScoreModel(converted=0, lost=0, counts={})
    return ScoreModel(converted=row.converted, lost=row.lost, counts=row.counts)


# --- Scoring one lead --------------------------------------------------------------------------


def lead_score_compute(
    lead: Lead, *, model: ScoreModel | None = None, activity_stats: ActivityStats | None = None
) -> int:
    """The 0-100 score the model gives the lead (the caller saves it unless the score is manual).
    Without `activity_stats`, one small query counts the lead's activities."""
    model = model or score_model_load()
    if activity_stats is None:
        activity_stats = lead_activity_stats(lead)
    return model.score(_lead_features(lead, activity_stats))


def _factor_label(feature: str, value: str) -> str:
    if feature.startswith(TAG_PREFIX):
        return _("Tag: %(tag)s") % {"tag": feature.removeprefix(TAG_PREFIX)}
    if feature == "source":
        label = Source(value).label if value in Source.values else value
        return _("Source: %(source)s") % {"source": label}
    labels = {
        ("company", "given"): _("Company given"),
        ("company", "none"): _("No company"),
        ("email_domain", "business"): _("Business email address"),
        ("email_domain", "free"): _("Free webmail address"),
        ("email_domain", "none"): _("No email address"),
        ("phone", "given"): _("Phone given"),
        ("phone", "none"): _("No phone"),
        ("position", "executive"): _("Position: executive"),
        ("position", "manager"): _("Position: manager"),
        ("position", "staff"): _("Position: staff"),
        ("position", "none"): _("No position"),
        ("activities", "0"): _("No activities"),
        ("activities", "1"): _("1 activity"),
        ("activities", "2-3"): _("2 to 3 activities"),
        ("activities", "4+"): _("4 or more activities"),
        ("last_activity", "none"): _("Never contacted"),
        ("last_activity", "7d"): _("Last activity within 7 days"),
        ("last_activity", "30d"): _("Last activity within 30 days"),
        ("last_activity", "older"): _("Last activity over 30 days ago"),
    }
    return labels[(feature, value)]


def lead_score_explain(lead: Lead) -> dict:
    """Why the model scores the lead as it does.

    Each factor's `impact` is its log-likelihood ratio in natural-log odds: how much it moves the
    log-odds of conversion (+0.69 doubles the odds, -0.69 halves them). Up to five factors each
    way, strongest first; `score` is the stored score (a person's, when `is_manual`), and
    `model_score` what the model says now.
    """
    model = score_model_load()
    features = _lead_features(lead, lead_activity_stats(lead))
    factors = []
    for feature, value, impact in model.contributions(features):
        if round(impact, 3) == 0:
            continue
        is_tag = feature.startswith(TAG_PREFIX)
        factors.append({
            "feature": "tag" if is_tag else feature,
            "value": feature.removeprefix(TAG_PREFIX) if is_tag else value,
            "label": _factor_label(feature, value),
            "impact": round(impact, 3),
        })
    factors.sort(key=lambda factor: factor["impact"], reverse=True)
    return {
        "score": lead.score,
        "model_score": model.score(features),
        "is_manual": lead.score_is_manual,
        "trained_on": {"converted": model.converted, "lost": model.lost},
        "cold_start": model.cold_start,
        "factors_up": [factor for factor in factors if factor["impact"] > 0][:5],
        "factors_down": [factor for factor in reversed(factors) if factor["impact"] < 0][:5],
    }


# --- Training and rescoring --------------------------------------------------------------------

# Activities of closed leads up to the moment each closed: what the lead looked like when its
# outcome was decided, not the follow-up logged afterwards.
_CLOSED_LEAD_ACTIVITY_SQL = """
    SELECT activity.related_to_id, count(*), max(greatest(
        activity.created_at,
        CASE WHEN activity.completed_at <= coalesce(lead.closed_at, lead.updated_at) THEN activity.completed_at END
    ))
    FROM crm_activity AS activity JOIN crm_lead AS lead ON lead.id = activity.related_to_id
    WHERE activity.related_to_type = %s AND lead.status = ANY(%s)
      AND activity.created_at <= coalesce(lead.closed_at, lead.updated_at)
    GROUP BY activity.related_to_id
"""

_FEATURE_FIELDS = ("source", "company", "email", "phone", "position", "tags")


def score_model_train() -> LeadScoreModel:
    """Count every feature value among the tenant's converted and lost leads, and save the counts.

    One pass over the closed leads (streamed) and one aggregated query for their activities.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CLOSED_LEAD_ACTIVITY_SQL, [RelatedType.LEAD, list(CLOSED_STATUSES)])
        activity_stats = {lead_id: ActivityStats(count, last_at) for lead_id, count, last_at in cursor.fetchall()}

    counts: dict[str, dict[str, list[int]]] = {}
    outcomes = [0, 0]  # converted, lost
    closed_leads = (
        Lead.objects.filter(status__in=CLOSED_STATUSES)
        .values_list("id", "status", "closed_at", "updated_at", *_FEATURE_FIELDS)
        .iterator(chunk_size=RESCORE_BATCH)
    )
    for lead_id, status, closed_at, updated_at, source, company, email, phone, position, tags in closed_leads:
        outcome = 0 if status == LeadStatus.CONVERTED else 1
        outcomes[outcome] += 1
        features = lead_features(
            source=source, company=company, email=email, phone=phone, position=position, tags=tags,
            activity_stats=activity_stats.get(lead_id, ActivityStats()), reference=closed_at or updated_at,
        )
        for feature, value in features:
            counts.setdefault(feature, {}).setdefault(value, [0, 0])[outcome] += 1

    row, _created = LeadScoreModel.objects.update_or_create(
        pk=_MODEL_ROW_ID, defaults={"converted": outcomes[0], "lost": outcomes[1], "counts": counts}
    )
    return row


# One statement per batch: the new scores travel as arrays (four parameters, whatever the batch
# size) unnested into rows; the id range keeps PostgreSQL from scanning the whole table for each
# batch. A row is left alone if, since it was read, a person set its score, closed it, edited it
# (their save scored it with the new data) or anything else rescored it.
_SCORES_UPDATE_SQL = """
    UPDATE crm_lead AS lead SET score = new.score
    FROM unnest(%s::bigint[], %s::smallint[], %s::smallint[], %s::timestamptz[])
        AS new(id, score, read_score, read_updated_at)
    WHERE lead.id BETWEEN %s AND %s AND lead.id = new.id AND lead.score = new.read_score
      AND lead.updated_at = new.read_updated_at AND NOT lead.score_is_manual AND lead.status <> ALL(%s)
    RETURNING lead.id, lead.score, new.read_score
"""


def _activity_stats_between(first_id: int, last_id: int) -> dict[int, ActivityStats]:
    rows = (
        Activity.objects.filter(related_to_type=RelatedType.LEAD, related_to_id__range=(first_id, last_id))
        .order_by()
        .values("related_to_id")
        .annotate(count=Count("id"), last_at=Max(_ACTIVITY_AT))
        .values_list("related_to_id", "count", "last_at")
    )
    return {lead_id: ActivityStats(count, last_at) for lead_id, count, last_at in rows}


def leads_rescore() -> int:
    """Score every open lead whose score is not manual with the current model; returns how many
    scores changed. Streams the leads by id, and per batch of RESCORE_BATCH runs one activity
    query and one UPDATE."""
    model = score_model_load()
    now = timezone.now()
    open_leads = (
        Lead.objects.filter(score_is_manual=False).exclude(status__in=CLOSED_STATUSES)
        .order_by("pk").values_list("id", "updated_at", "score", *_FEATURE_FIELDS)
        .iterator(chunk_size=RESCORE_BATCH)
    )
    changed = 0
    while batch := list(islice(open_leads, RESCORE_BATCH)):
        activity_stats = _activity_stats_between(batch[0][0], batch[-1][0])
        ids, scores, read_scores, read_updated_at = [], [], [], []
        for lead_id, updated_at, old_score, source, company, email, phone, position, tags in batch:
            features = lead_features(
                source=source, company=company, email=email, phone=phone, position=position, tags=tags,
                activity_stats=activity_stats.get(lead_id, ActivityStats()), reference=now,
            )
            new_score = model.score(features)
            if new_score != old_score:
                ids.append(lead_id)
                scores.append(new_score)
                read_scores.append(old_score)
                read_updated_at.append(updated_at)
        if ids:
            parameters = [ids, scores, read_scores, read_updated_at, ids[0], ids[-1], list(CLOSED_STATUSES)]
            with connection.cursor() as cursor:
                cursor.execute(_SCORES_UPDATE_SQL, parameters)
                rescored = cursor.fetchall()
            system_events_record(
                name=events.LEAD_SCORE_CHANGED,
                payloads=[events.score_change_json(*row) for row in rescored],
            )
            changed += len(rescored)
    return changed


# --- Retraining when outcomes change -----------------------------------------------------------


def score_retrain_schedule() -> None:
    """Retrain and rescore soon, because a lead's outcome changed (converted, lost or reopened).

    Call it inside the transaction that made the change: the task is queued on commit, at most
    once per tenant every RETRAIN_DEBOUNCE_SECONDS, and runs that many seconds later, so a burst
    of changes (an import, a bulk update) costs one retrain that reads them all. Without a
    broker (tasks run eagerly) it runs at once, and changes in the following window wait for
    the next change after it.
    """
    on_commit_in_this_tenant(_retrain_enqueue, robust=True)


def _retrain_enqueue() -> None:
    # The default cache is tenant-prefixed, and add() is atomic: one winner per tenant and window.
    if cache.add(_RETRAIN_PENDING_KEY, True, timeout=RETRAIN_DEBOUNCE_SECONDS):
        # By name: tasks.py imports this module, not the other way round.
        app.signature("crm.lead_scores_retrain").apply_async(countdown=RETRAIN_DEBOUNCE_SECONDS)
