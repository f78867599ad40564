"""The hand-built data set the report tests count on: invented children of Liverpool (an
English council; spring half term 16 to 20 February 2026), with exact dates, and one case of
Southwark that must never show in Liverpool's figures.

The clock stands at Friday 20 March 2026, 12:00 UTC. The answers the tests expect were worked
out by hand from the table below, case by case (see test_figures.py and test_dfe_return.py).
London is on GMT from January to March, so UTC times are London times here.

case  opened       closed (outcome)                        notes
c01   2025-11-10   open                                    cme_believed_moved_la recorded 12 Nov; not located;
                                                           last attended 20 Oct 2025
c02   2026-01-10   2026-02-10 back_in_school               found by the Capita One check;
                                                           first day of absence 5 Jan 2026
c03   2026-02-05   2026-03-10 located_other_la             cross-border notice (moved out);
                                                           located recorded 9 Mar (after Feb)
c04   2026-02-02   2026-02-20 located_other_la             agency referral, acknowledged and
                                                           allocated late, reallocated 5 Mar
c05   2025-10-01   2025-12-01 back_in_school, reopened 2026-02-15 by a new referral; open
c06   2025-12-01   2026-02-25 lost_s2s                     urgent; last attended 14 Nov 2025
c07   2025-09-15   2025-09-30 ehe                          from a parent's EHE notice; ehe_philosophical
c08   2026-01-20   2026-02-12 ehe                          from a public CME referral
c09   2025-09-02   2025-09-20 ehe, reopened 2026-01-05     from an EHE notice; open
c10   2026-02-03   2026-02-06 not_cme
c11   2026-03-02   open                                    urgent; notice not acknowledged
c12   2025-12-15   open                                    arrival from Sefton; cme_application_awaiting and
                                                           located recorded 20 Jan; COPP stage
c13   2026-02-26   open                                    code "ABC1" (not the DfE's)
c14   2025-09-10   2026-02-27 23:30 found_stays_on_roll   code "XYZ"; found by another enquiry
c15   2026-01-26   2026-03-01 00:00 back_in_school         closes at the very end of February;
                                                           cross-border notice (moved in)
c16   2025-06-01   2025-07-01 back_in_school               before the school year
c17   2025-05-01   2025-05-10 ehe                          from an EHE notice; ehe_mental_health
c18   2026-01-25   open                                    urgent; cme_believed_moved_country; not located
sA    notification 2026-02-09 (EHE notice), never acknowledged
sB    notification 2026-02-23 (missing pupil checklist), acknowledged, never allocated
sC    notification Friday 2026-02-27 16:00 (CME referral by a council), acknowledged Monday,
      allocated Tuesday
c19   Southwark: open since 2025-10-01, cme_believed_moved_la, urgent
c20   Rhondda Cynon Taf (Wales): open since 2026-01-12, cme_believed_moved_la
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

UTC = timezone.utc
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
SLUG, OTHER_SLUG = "liverpool", "southwark"
SCHOOL = "3412008"


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build(app) -> dict[str, int]:
    """Store the data set; returns the case ids by name (c01 ...) and the officer ids."""
    from portal.casework.cme_definition import note_missing_since
    from portal.casework.intake import note_child_facts
    from portal.extensions import db
    from portal.models import Activity, Case, Enquiry, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    ids: dict[str, int] = {}
    counters: dict[str, int] = {}

    def submission(slug, prefix, form, received, *, case=None, answers=None, ack=None,
                   alloc=None, officer=None, status=None, due=None, laestab=None):
        counters[prefix] = counters.get(prefix, 0) + 1
        row = Submission(
            reference=f"{prefix}-{received.year}-{900000 + counters[prefix]:06d}",
            submission_token=secrets.token_hex(16), form_slug=form, received_at=received,
            urgent=False, language="en", answers=answers or {},
            child_first_name=case.child_first_name if case else "Sam",
            child_last_name=case.child_last_name if case else "Testchild",
            child_dob=date(2014, 5, 1), school_laestab=laestab, sender_name="Test Sender",
            team_key="cme-tracking" if slug == SLUG else None, routing_reason="test",
            status=status or ("closed" if case is not None and case.status == "closed"
                              else "acknowledged" if ack else "new"),
            acknowledged_at=ack, officer_id=officer if alloc else None, allocated_at=alloc,
            case_id=case.id if case is not None else None, due_on=due)
        db.session.add(row)
        if case is not None:  # what intake keeps on the case from its forms
            first = case.opened_from_form is None
            if first:
                case.opened_from_form = form
            note_missing_since(case, row.answers, today=case.opened_at.date(), fresh=first)
            note_child_facts(case, row)
        db.session.flush()
        return row

    def case(name, opened, *, closed=None, outcome=None, code=None, known=None, urgent=False,
             stage=None, due=None, first="Test", dob=date(2014, 5, 1), upn=None, postcode=None):
        row = Case(status="closed" if closed else "open", opened_at=opened,
                   child_first_name=first, child_last_name=f"Child{name[1:]}", child_dob=dob,
                   upn=upn, postcode=postcode, urgent=urgent, team_key="cme-tracking",
                   stage_key=stage, reason_code=code, whereabouts_known=known,
                   outcome_key=outcome, closed_at=closed, next_due_on=due)
        db.session.add(row)
        db.session.flush()
        ids[name] = row.id
        return row

    def activity(kind, when, *, case=None, submission=None, **details):
        db.session.add(Activity(at=when, kind=kind, case_id=case.id if case else None,
                                submission_id=submission.id if submission else None,
                                details=details))

    with app.app_context():
        liverpool = tenant_id_for(SLUG)
        with tenant_scope(liverpool):
            from portal.models import StaffUser

            officer = StaffUser(email="reports-officer@liverpool.test.invalid",
                                display_name="Report Officer", role="officer")
            db.session.add(officer)
            db.session.flush()
            ids["officer"] = officer.id
            o = officer.id

            def lsub(*args, **kwargs):
                return submission(SLUG, "LIV", *args, officer=o, **kwargs)

            c01 = case("c01", at(2025, 11, 10), code="cme_believed_moved_la", known=False, due=date(2026, 3, 25),
                       stage="tracking")
            lsub("cme-referral", at(2025, 11, 10), case=c01, ack=at(2025, 11, 10, 14),
                 alloc=at(2025, 11, 11), answers={"referrer_type": "school",
                                                  "last_attendance": "2025-10-20"})
            activity("details", at(2025, 11, 12), case=c01, reason_code="cme_believed_moved_la",
                     whereabouts_known=False)

            c02 = case("c02", at(2026, 1, 10), closed=at(2026, 2, 10), outcome="back_in_school")
            lsub("change-to-register", at(2026, 1, 10), case=c02, ack=at(2026, 1, 12),
                 alloc=at(2026, 1, 12), laestab=SCHOOL,
                 answers={"change_type": "deletion", "first_day_of_absence": "2026-01-05"})
            db.session.add(Enquiry(case_id=c02.id, checklist_key="capita_one",
                                   made_on=date(2026, 2, 9), result="On roll at another school",
                                   located=True))

            c03 = case("c03", at(2026, 2, 5), closed=at(2026, 3, 10), outcome="located_other_la",
                       code=None, known=True)
            lsub("cross-border-notice", at(2026, 2, 5), case=c03, ack=at(2026, 2, 5, 14),
                 alloc=at(2026, 2, 6, 9), answers={"direction": "moved_out_of_your_area"})
            activity("details", at(2026, 3, 9), case=c03, reason_code=None, whereabouts_known=True)

            c04 = case("c04", at(2026, 2, 2), closed=at(2026, 2, 20), outcome="located_other_la")
            s04 = lsub("cme-referral", at(2026, 2, 2, 9), case=c04, ack=at(2026, 2, 4),
                       alloc=at(2026, 3, 5), answers={"referrer_type": "agency"})
            activity("allocated", at(2026, 2, 5), submission=s04, team="cme-tracking",
                     officer="Report Officer")
            activity("allocated", at(2026, 3, 5), submission=s04, team="cme-tracking",
                     officer="Report Officer")

            c05 = case("c05", at(2025, 10, 1))
            lsub("cme-referral", at(2025, 10, 1), case=c05, ack=at(2025, 10, 1, 15),
                 alloc=at(2025, 10, 2), answers={"referrer_type": "public"})
            lsub("cme-referral", at(2026, 2, 15), case=c05, ack=at(2026, 2, 23, 9),
                 alloc=at(2026, 2, 23, 11), answers={"referrer_type": "public"})
            activity("outcome", at(2025, 12, 1), case=c05, outcome="back_in_school", closed=True)
            activity("reopened", at(2026, 2, 15), case=c05, reference="LIV-2026-900001")

            c06 = case("c06", at(2025, 12, 1), closed=at(2026, 2, 25), outcome="lost_s2s",
                       urgent=True, upn="A341200110001", postcode="L4 0TH", first="Lost")
            lsub("change-to-register", at(2025, 12, 1), case=c06, ack=at(2025, 12, 1, 15),
                 alloc=at(2025, 12, 2), laestab=SCHOOL,
                 answers={"change_type": "deletion", "last_attendance": "2025-11-14",
                          "ctf_code": "XXXXXXX", "s2s_uploaded": "yes"})

            c07 = case("c07", at(2025, 9, 15), closed=at(2025, 9, 30), outcome="ehe",
                       code="ehe_philosophical", first="Home", postcode="L1 1AA")
            lsub("ehe-notification", at(2025, 9, 15), case=c07, ack=at(2025, 9, 15, 15),
                 alloc=at(2025, 9, 16), answers={
                     "leaving_date": "2025-09-12", "school_name": "Test Primary School",
                     "parents": [{"parent_name": "Pat Testparent", "parent_relationship": "Mother"},
                                 {"parent_name": "Lee Testparent"}],
                     "address_line": "1 Test Street\nLiverpool", "postcode": "L1 1AA",
                     "education_provider": "Parent with a tutor",
                     "education_hours": "About 20 hours a week"})

            c08 = case("c08", at(2026, 1, 20), closed=at(2026, 2, 12), outcome="ehe",
                       code="cme_parent_not_register", postcode="L8 1AB")
            lsub("cme-referral", at(2026, 1, 20), case=c08, ack=at(2026, 1, 20, 15),
                 alloc=at(2026, 1, 21), answers={"referrer_type": "public"})

            c09 = case("c09", at(2025, 9, 2))
            lsub("ehe-notification", at(2025, 9, 2), case=c09, ack=at(2025, 9, 2, 15),
                 alloc=at(2025, 9, 3), answers={"leaving_date": "2025-09-01"})
            activity("outcome", at(2025, 9, 20), case=c09, outcome="ehe", closed=True)
            activity("reopened", at(2026, 1, 5), case=c09, reason="Home education not suitable")

            c10 = case("c10", at(2026, 2, 3), closed=at(2026, 2, 6), outcome="not_cme")
            lsub("cme-referral", at(2026, 2, 3, 11), case=c10, ack=at(2026, 2, 3, 15),
                 alloc=at(2026, 2, 4), answers={"referrer_type": "school"})

            c11 = case("c11", at(2026, 3, 2), urgent=True, due=date(2026, 3, 10))
            lsub("cme-referral", at(2026, 3, 2, 9), case=c11, status="new", due=date(2026, 3, 3),
                 answers={"referrer_type": "school"})

            c12 = case("c12", at(2025, 12, 15), code="cme_application_awaiting", known=True, stage="copp",
                       due=date(2026, 3, 19))
            lsub("arrival-in-area", at(2025, 12, 15), case=c12, ack=at(2025, 12, 15, 15),
                 alloc=at(2025, 12, 16), answers={"previous_council": "Sefton"})
            activity("details", at(2026, 1, 20), case=c12, reason_code="cme_application_awaiting",
                     whereabouts_known=True)

            c13 = case("c13", at(2026, 2, 26), code="ABC1")
            lsub("cme-referral", at(2026, 2, 26, 9), case=c13, ack=at(2026, 2, 27),
                 alloc=at(2026, 3, 4), answers={"referrer_type": "school"})

            c14 = case("c14", at(2025, 9, 10), closed=at(2026, 2, 27, 23, 30),
                       outcome="found_stays_on_roll", code="XYZ")
            lsub("cme-referral", at(2025, 9, 10), case=c14, ack=at(2025, 9, 10, 15),
                 alloc=at(2025, 9, 11), answers={"referrer_type": "school"})
            db.session.add(Enquiry(case_id=c14.id, checklist_key=None, made_on=date(2026, 2, 27),
                                   result="Seen at school by a social worker", located=True))

            c15 = case("c15", at(2026, 1, 26), closed=at(2026, 3, 1, 0, 0),
                       outcome="back_in_school", known=True)
            lsub("cross-border-notice", at(2026, 1, 26), case=c15, ack=at(2026, 1, 26, 15),
                 alloc=at(2026, 1, 27), answers={"direction": "moved_into_your_area"})

            c16 = case("c16", at(2025, 6, 1), closed=at(2025, 7, 1), outcome="back_in_school")
            lsub("cme-referral", at(2025, 6, 1), case=c16, ack=at(2025, 6, 1, 15),
                 alloc=at(2025, 6, 2), answers={"referrer_type": "school"})

            c17 = case("c17", at(2025, 5, 1), closed=at(2025, 5, 10), outcome="ehe", code="ehe_mental_health")
            lsub("ehe-notification", at(2025, 5, 1), case=c17, ack=at(2025, 5, 1, 15),
                 alloc=at(2025, 5, 2), answers={"parents": [{"parent_name": "Jo Testparent"}]})

            c18 = case("c18", at(2026, 1, 25), code="cme_believed_moved_country", known=False, urgent=True,
                       stage="tracking")
            lsub("cme-referral", at(2026, 1, 25), case=c18, ack=at(2026, 1, 26),
                 alloc=at(2026, 1, 26), answers={"referrer_type": "agency"})

            lsub("ehe-notification", at(2026, 2, 9), status="new", due=date(2026, 2, 10))
            lsub("missing-pupil-checklist", at(2026, 2, 23), ack=at(2026, 2, 23, 14),
                 due=date(2026, 2, 25))
            lsub("cme-referral", at(2026, 2, 27, 16), ack=at(2026, 3, 2, 9),
                 alloc=at(2026, 3, 3, 9), answers={"referrer_type": "council"})
            db.session.commit()

        with tenant_scope(tenant_id_for(OTHER_SLUG)):
            c19 = case("c19", at(2025, 10, 1), code="cme_believed_moved_la", urgent=True)
            submission(OTHER_SLUG, "SWK", "cme-referral", at(2025, 10, 1), case=c19,
                       ack=at(2025, 10, 1, 15), answers={"referrer_type": "school"})
            submission(OTHER_SLUG, "SWK", "cme-referral", at(2026, 2, 10), status="new",
                       due=date(2026, 2, 11), answers={"referrer_type": "public"})
            db.session.commit()

        with tenant_scope(tenant_id_for("rhondda-cynon-taf")):
            case("c20", at(2026, 1, 12), code="cme_believed_moved_la")
            db.session.commit()
        db.session.remove()
    return ids
