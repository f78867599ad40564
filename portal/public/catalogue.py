"""The forms a council can offer, with the words that describe them on its pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FormInfo:
    slug: str
    title: object
    who: object
    summary: object


FORMS: dict[str, FormInfo] = {f.slug: f for f in [
    FormInfo("change-to-register",
             _l("Tell us about a change to a school register"),
             _l("For schools"),
             _l("Tell the council when a pupil joins your school, or before you delete a pupil "
                "from your register.")),
    FormInfo("missing-pupil-checklist",
             _l("Record the enquiries made about a missing pupil"),
             _l("For schools"),
             _l("Record each reasonable enquiry your school has made to find a pupil whose "
                "whereabouts are unknown.")),
    FormInfo("cme-referral",
             _l("Refer a child who may be missing education"),
             _l("For schools, agencies, other councils and members of the public"),
             _l("Tell the council about a child who is not in school, or whose school does not "
                "know where they are.")),
    FormInfo("ehe-notification",
             _l("Tell us you are home educating your child"),
             _l("For parents and carers"),
             _l("Tell the council that you have taken, or will take, your child out of school to "
                "educate them at home.")),
    FormInfo("arrival-in-area",
             _l("Tell us your family has moved into the area"),
             _l("For parents and carers"),
             _l("Tell the council your family has arrived, whether your child needs a school "
                "place or is educated at home.")),
    FormInfo("cross-border-notice",
             _l("Tell us about a child who has moved between council areas"),
             _l("For other councils"),
             _l("A council that is not on this portal can tell this council about a child "
                "believed to have moved into or out of its area.")),
    FormInfo("new-pupil-return",
             _l("Send a new pupil return"),
             _l("For schools"),
             _l("Tell the council about pupils you have added to your admission register, one "
                "at a time or many at once.")),
    FormInfo("deletion-return",
             _l("Send a deletion return"),
             _l("For schools"),
             _l("Tell the council before you delete pupils' names from your admission register, "
                "one at a time or many at once.")),
    FormInfo("unauthorised-absence-return",
             _l("Send a return of pupils with unauthorised absence"),
             _l("For schools"),
             _l("Tell the council about pupils absent without your permission for 10 school "
                "days or more.")),
    FormInfo("sickness-return",
             _l("Send a return of pupils missing school through sickness"),
             _l("For schools"),
             _l("Tell the council about pupils who will miss 15 school days or more because of "
                "sickness.")),
    FormInfo("attendance-concerns-return",
             _l("Send a return of attendance concerns"),
             _l("For schools"),
             _l("Tell the council about pupils with attendance under 90%, missing 10 days or "
                "more, or removed from your roll.")),
    FormInfo("no-show",
             _l("Tell us about a child who did not arrive at school"),
             _l("For schools"),
             _l("Tell the council about a child who was expected to join your school and never "
                "arrived.")),
]}
