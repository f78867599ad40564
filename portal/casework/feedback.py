"""Feedback to whoever told us: when a case reaches an outcome, each school or agency that sent
something about the child is emailed the reference and the outcome's category (never the
child's details, nor where the child now is), and the outcome is kept on their submission so
that any list of what they sent (a school's account) can show it.

Nothing here commits.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models.casework import Case
from portal.models.submission import Submission
from portal.tenant_config import Tenant

#: What a sender is told: the category of the product's common outcome an outcome counts as.
CATEGORIES = {
    "back_in_school": _l("The child is in school or other education"),
    "ehe": _l("The child is being educated at home (elective home education)"),
    "located_other_la": _l("The child has been found in another council's area, which has "
                           "been told"),
    "not_cme": _l("The child was found not to be missing education"),
    "lost_s2s": _l("The child could not be found: recorded as a lost pupil for schools "
                   "nationally"),
}


def category(tenant: Tenant, outcome_key: str, language: str):
    """The outcome as its sender is told it: the common category, else the council's label."""
    outcome = next((o for o in tenant.workflow.outcomes if o.key == outcome_key), None)
    if outcome is None:
        return outcome_key
    common = outcome.dfe_outcome or (outcome.key if outcome.key in CATEGORIES else None)
    if common in CATEGORIES:
        return CATEGORIES[common]
    return outcome.label.get(language)


def tell_senders(case: Case, submissions: list[Submission], tenant: Tenant, outcome_key: str,
                 now) -> int:
    """Record the outcome on each submission of the case and email each sender who has not
    yet been told this outcome. Returns how many emails were queued."""
    from portal.outbox import queue_referrer_outcome

    sent = 0
    for submission in submissions:
        if submission.outcome_key == outcome_key and submission.outcome_at is not None:
            continue
        submission.outcome_key = outcome_key
        submission.outcome_at = now
        language = submission.language if submission.language in tenant.languages else "en"
        message = queue_referrer_outcome(tenant=tenant, submission=submission,
                                         outcome=category(tenant, outcome_key, language))
        if message is not None:  # the case timeline lists it with the outbox's emails
            sent += 1
    return sent
