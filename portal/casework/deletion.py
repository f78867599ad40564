"""May the school delete? The "deletion permission" panel of a school's deletion notice, and the
officers' recording of each condition the council's policy asks for.

The council's rule for the notice's ground (``[[deletion.rules]]`` in its tenant file) names
the conditions; portal.rules.deletion_permission checks them against the facts gathered here:
the notice's own dates and answers, the acknowledgement of a CME referral about the child (in
the notice's case, or with the same UPN), and what officers recorded (``DeletionRecord``).
The earliest lawful date comes from the ground and the school's calendar
(portal.rules.deletion_readiness). Acknowledging the notice never grants anything.

The panel (:class:`DeletionPanel`) is what templates/partials/_deletion_permission.html shows,
on the back-office submission page and on a school's view of its own notices alike; its
sentences are computed when read, in the language of the page or email being rendered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from portal.casework import audit
from portal.casework.activity import record_activity
from portal.extensions import db
from portal.models.casework import DeletionRecord
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.rules import deletion_permission as rules
from portal.rules.deletion_grounds import Ground, ruleset_for
from portal.tenant_config.schema import RECORDED_CONDITIONS, Tenant

LONDON = ZoneInfo("Europe/London")
CME_REFERRAL_FORM = "cme-referral"
#: The council's consent to home education (portal.casework.consent), applied by law.
LA_CONSENT = "la_consent"


class RecordRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).date()


def _iso(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass
class Condition:
    """One condition of the panel: met or not, who and when, what the school says."""

    result: rules.Result
    tenant: Tenant
    roles: tuple[str, ...] = ()
    #: For ``la_consent``: the consent request (portal.casework.consent).
    consent: object | None = None

    @property
    def key(self) -> str:
        return self.result.condition

    @property
    def party(self) -> str | None:
        return self.result.party

    @property
    def met(self) -> bool:
        return self.result.met

    @property
    def by(self) -> str | None:
        return self.result.by

    @property
    def at(self):
        return self.result.at

    @property
    def recordable(self) -> bool:
        return self.key in RECORDED_CONDITIONS and not self.met

    def _language(self) -> str:
        from portal.i18n import current_language

        return current_language()

    @property
    def text(self) -> str:
        """What must have happened, as one sentence."""
        deletion = self.tenant.deletion
        if self.key == "informed_in_advance":
            return _("The council is told before the pupil's name is deleted")
        if self.key == "joint_enquiries":
            return _("The school and the council have both made reasonable enquiries and not found where the pupil is")
        if self.key == "cme_referral_acknowledged":
            return _("The CME team has acknowledged a CME referral for this pupil")
        if self.key == "officer_advice":
            who = deletion.advice_from.get(self._language()) if deletion.advice_from else _("the council's named officer")
            return _("%(officer)s has advised that the pupil may be removed from roll", officer=who)
        if self.key == "agreement":
            party = deletion.party(self.party or "")
            name = party.label.get(self._language()) if party else (self.party or "")
            return _("%(party)s has agreed to the deletion", party=name)
        if self.key == "ctf_s2s":
            return _("The pupil's Common Transfer File, coded XXXXXXX, is on the lost pupils database (S2S)")
        if self.key == LA_CONSENT:
            from portal.rules.consent import S434A, SPECIAL_SCHOOL

            reasons = getattr(self.consent, "reasons", ())
            if SPECIAL_SCHOOL in reasons and S434A in reasons:
                return _("The council has consented to the pupil being educated at home, because the council arranged the pupil's place at a special school and the child is subject to section 47 enquiries or a child protection plan")
            if S434A in reasons:
                return _("The council has consented to the pupil being educated at home, because the child is subject to section 47 enquiries or a child protection plan")
            return _("The council has consented to the pupil being educated at home, because the council arranged the pupil's place at a special school")
        return self.key

    @property
    def school_says(self) -> str | None:
        """What the school's own answers say about it (shown when not met)."""
        code = self.result.school_says
        if code == "consent_pending":
            from flask_babel import format_date

            due = getattr(self.consent, "due", None)
            return _("The council has not decided yet. It must decide by %(date)s.",
                     date=format_date(due, format="d MMMM yyyy")) if due else None
        if code == "consent_refused":
            return _("The council has refused its consent: the pupil must stay on the school's roll.")
        deletion = self.tenant.deletion
        officer = deletion.advice_from.get(self._language()) if deletion.advice_from else _("the council's named officer")
        return {
            "no_deletion_date": _("The notice gives no date of deletion."),
            "told_after_deletion": _("The notice arrived after the date the school gave for the deletion."),
            "cme_not_sent": _("The school says it has not sent a CME referral yet."),
            "cme_awaiting": _("A CME referral has been sent but the CME team has not acknowledged it yet."),
            "cme_not_received": _("No CME referral for this pupil has been received."),
            "officer_not_advised": _("The school says %(officer)s has not advised yet.", officer=officer),
            "officer_advised": _("The school says %(officer)s has advised; the council has not recorded it yet.", officer=officer),
            "ctf_other_code": _("The school coded the CTF with another destination code, not XXXXXXX."),
            "s2s_not_uploaded": _("The school says it has not uploaded the CTF to S2S yet."),
            "ctf_not_said": _("The school has not said whether the CTF is on S2S."),
        }.get(code or "")

    @property
    def status(self) -> str:
        if self.key == LA_CONSENT and getattr(self.consent, "refused", False):
            from flask_babel import format_datetime

            return _("Refused: %(who)s, %(when)s", who=self.consent.decided_by or _("the council"),
                     when=format_datetime(self.consent.decided_at, format="d MMMM yyyy, HH:mm"))
        if self.result.not_needed:
            return _("Not needed: the school gave the pupil's new school")
        if not self.met:
            return _("Not yet")
        if self.by and self.at:
            when = self.at
            from flask_babel import format_date, format_datetime

            stamp = format_datetime(when, format="d MMMM yyyy, HH:mm") if isinstance(when, datetime) \
                else format_date(when, format="d MMMM yyyy")
            return _("Done: %(who)s, %(when)s", who=self.by, when=stamp)
        return _("Done")


@dataclass
class DeletionPanel:
    submission_id: int
    reference: str
    ground: Ground
    conditions: list[Condition]
    earliest: date | None
    today: date
    source: str | None
    inform_only: bool
    school_days_counted: int | None = None
    calendar_unknown: bool = False
    #: The consent request of a home education notice that needs one (portal.casework.consent).
    consent: object | None = None

    @property
    def consent_refused(self) -> bool:
        return bool(self.consent is not None and getattr(self.consent, "refused", False))

    @property
    def may_delete(self) -> bool:
        if self.consent is not None and not getattr(self.consent, "granted", False):
            return False  # the law's condition, whatever the council's rule says
        return rules.may_delete([c.result for c in self.conditions], self.earliest, self.today)

    @property
    def missing(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]

    @property
    def ground_label(self) -> str:
        from portal.i18n import current_language

        return self.ground.label.get(current_language()) if hasattr(self.ground.label, "get") \
            else str(self.ground.label)


# --- gathering the facts -------------------------------------------------------------------

def is_deletion_notice(submission: Submission) -> bool:
    return bool((submission.answers or {}).get("deletion_ground"))


def _ground(tenant: Tenant, submission: Submission) -> Ground | None:
    key = (submission.answers or {}).get("deletion_ground")
    received = _day(submission.received_at) or date.today()
    ruleset = ruleset_for(tenant.nation, received)
    return next((g for g in ruleset.grounds if g.key == key), None)


def _records(submission: Submission) -> dict[tuple[str, str | None], rules.Recorded]:
    rows = db.session.execute(
        select(DeletionRecord.condition, DeletionRecord.party, DeletionRecord.recorded_at,
               StaffUser.display_name)
        .join(StaffUser, StaffUser.id == DeletionRecord.recorded_by_id, isouter=True)
        .where(DeletionRecord.submission_id == submission.id)
        .order_by(DeletionRecord.recorded_at, DeletionRecord.id)).all()
    found: dict[tuple[str, str | None], rules.Recorded] = {}
    for condition, party, at, name in rows:
        found.setdefault((condition, party), rules.Recorded(name, at))
    return found


def _cme_referral(submission: Submission) -> tuple[rules.Recorded | None, bool]:
    """The earliest acknowledged CME referral about the same child (the notice's case, or the
    same UPN), and whether any CME referral about the child was received."""
    same_child = []
    if submission.case_id is not None:
        same_child.append(Submission.case_id == submission.case_id)
    if submission.upn:
        same_child.append(Submission.upn == submission.upn)
    if not same_child:
        return None, False
    rows = db.session.execute(
        select(Submission.acknowledged_at, StaffUser.display_name)
        .join(StaffUser, StaffUser.id == Submission.acknowledged_by_id, isouter=True)
        .where(Submission.form_slug == CME_REFERRAL_FORM, Submission.id != submission.id,
               or_(*same_child))
        .order_by(Submission.acknowledged_at.is_(None), Submission.acknowledged_at)).all()
    if not rows:
        return None, False
    at, name = rows[0]
    if at is None:
        return None, True
    return rules.Recorded(name or _("the CME team"), at), True


def panel_for(submission: Submission, tenant: Tenant, *, today: date) -> DeletionPanel | None:
    """The "may the school delete?" panel of a deletion notice (None for any other form)."""
    if not is_deletion_notice(submission):
        return None
    ground = _ground(tenant, submission)
    if ground is None:
        return None
    rule = tenant.deletion.rule_for(ground.code)
    conditions = list(rule.conditions) if rule else []
    answers = submission.answers or {}
    referral, received = (_cme_referral(submission) if "cme_referral_acknowledged" in conditions
                          else (None, False))
    school = tenant.school(submission.school_laestab) if submission.school_laestab else None
    facts = rules.Facts(
        received_on=_day(submission.received_at) or today,
        intended_deletion=_iso(answers.get("intended_deletion_date")),
        answers=answers, cme_referral=referral, cme_referral_received=received,
        records=_records(submission),
        school_name=(school.name if school else answers.get("school_name")) or _("the school"))
    results = rules.evaluate(conditions, [p.key for p in tenant.deletion.parties], facts)
    from portal.casework.consent import request_for

    consent = request_for(submission, tenant)
    if consent is not None:
        # The law's own condition, whatever the council's rule says: the council's consent for
        # a pupil at a special school in a place it arranged (2024 regulations reg 9(1)(f);
        # Wales 2010 regulations reg 8(2)) or, once commenced, a child subject to s.47
        # enquiries or a child protection plan (Education Act 1996 s.434A).
        results.append(rules.Result(
            LA_CONSENT, None, consent.granted, consent.decided_by if consent.granted else None,
            consent.decided_at if consent.granted else None,
            None if consent.granted else ("consent_refused" if consent.refused else "consent_pending")))
    readiness = _readiness(submission, tenant)
    earliest = readiness.earliest if readiness else submission.deletion_earliest
    return DeletionPanel(
        submission_id=submission.id, reference=submission.reference, ground=ground,
        conditions=[Condition(r, tenant, tenant.deletion.roles_for(r.condition, r.party),
                              consent if r.condition == LA_CONSENT else None)
                    for r in results],
        earliest=earliest, today=today, source=rule.source if rule else None,
        inform_only=not results, consent=consent,
        school_days_counted=readiness.school_days_counted if readiness else None,
        calendar_unknown=bool(readiness and readiness.earliest is None))


def _readiness(submission: Submission, tenant: Tenant):
    from portal.submissions.store import readiness_for

    definition = current_app.extensions["portal.forms"].get((tenant.slug, submission.form_slug))
    if definition is None:
        return None
    received = _day(submission.received_at) or date.today()
    return readiness_for(definition, submission.answers or {}, tenant, received)


# --- recording a condition ---------------------------------------------------------------

def record(submission: Submission, tenant: Tenant, *, condition: str, party: str | None,
           user, note: str | None = None) -> DeletionRecord:
    """An officer records one condition (its own audited action). Refused when the notice's
    rule does not ask for it, it is met already, or the officer's role may not record it."""
    panel = panel_for(submission, tenant, today=_day(datetime.now(timezone.utc)) or date.today())
    if panel is None:
        raise RecordRefused("not_a_deletion")
    wanted = next((c for c in panel.conditions if c.key == condition
                   and (c.party or None) == (party or None)), None)
    if wanted is None or condition not in RECORDED_CONDITIONS:
        raise RecordRefused("not_asked")
    if wanted.met:
        raise RecordRefused("already")
    if user.role not in tenant.deletion.roles_for(condition, party):
        raise RecordRefused("role")
    row = DeletionRecord(submission_id=submission.id, condition=condition, party=party or None,
                         recorded_at=current_app.config["CLOCK"](), recorded_by_id=user.id,
                         note=(note or "").strip()[:2000] or None)
    db.session.add(row)
    db.session.flush()
    case = None
    if submission.case_id:
        from portal.models.casework import Case

        case = db.session.scalar(select(Case).where(Case.id == submission.case_id))
    record_activity("deletion", case=case, submission=submission, reference=submission.reference,
                    condition=condition, party=party or None)
    audit.record("change", f"deletion.{condition}", "submission", submission.id)
    return row
