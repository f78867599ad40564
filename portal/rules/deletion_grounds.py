"""The grounds on which a school must delete a pupil of compulsory school age from its admission
register, as versioned rule sets: a case keeps the rule set in force when it was opened.

* ``england-2024``: The School Attendance (Pupil Registration) (England) Regulations 2024
  (SI 2024/208), regulation 9(1)(a)-(o), in force 19 August 2024. A pupil placed at a special
  school by the LA needs its consent before a deletion for home education, ground (f) (as the
  product specification states it; the paragraph of regulation 9 was not checked).
* ``england-2006``: The Education (Pupil Registration) (England) Regulations 2006
  (SI 2006/1751), regulation 8(1)(a)-(n), in force 1 September 2006 until replaced on
  19 August 2024. Regulation 8(2): a pupil placed by the LA at a special school may not be
  deleted without its consent, except on grounds (a), (j) and (m).
* ``wales-2010``: The Education (Pupil Registration) (Wales) Regulations 2010
  (SI 2010/1954 (W.187)), regulation 8(1), in force 1 September 2010. Regulation 12(3): after
  a deletion on ground (c), (d), (g), (i) or (m) the school makes a return to the LA within
  the ten school days that follow.

The Welsh text of Welsh legislation letters its paragraphs in the Welsh alphabet
(a, b, c, ch, d, dd, e, f, ff, g, ng, h, ...), so English 8(1)(f) is Welsh 8(1)(dd): see
``Ground.citation``. English statutory instruments have no Welsh text, so their letters stay.

Labels are summaries for forms, not the statutory wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from string import ascii_lowercase
from typing import Literal

from portal.rules.text import Text

__all__ = [
    "ENGLAND_2006",
    "ENGLAND_2024",
    "Ground",
    "Jurisdiction",
    "NoRuleSetError",
    "RULESETS",
    "RuleSet",
    "WALES_2010",
    "get_ruleset",
    "ground",
    "ruleset_for",
]

Jurisdiction = Literal["england", "wales"]

_CODE = re.compile(r"(?P<provision>\d+\(\d+\))\((?P<letter>[a-z])\)")
# Paragraph letters in the Welsh text of Welsh legislation. Checked against SI 2010/1954 up to
# "dd" (reg 5(1)) and "f" (the explanatory note); "ng" and "j" follow the usual drafting
# practice and were not seen in a stored copy.
_WELSH_LETTERS = (
    "a", "b", "c", "ch", "d", "dd", "e", "f", "ff", "g", "ng", "h", "i", "j", "l", "ll", "m",
    "n", "o", "p", "ph", "r", "rh", "s", "t", "th", "u", "w", "y",
)


class NoRuleSetError(LookupError):
    """No rule set is kept for that jurisdiction on that date."""


@dataclass(frozen=True)
class Ground:
    """One ground for deleting a pupil from the admission register."""

    code: str
    """The provision with its English lettering, e.g. ``9(1)(i)``."""
    key: str
    """A stable short name, e.g. ``continuous-absence-20-days``."""
    label: Text
    requires_joint_enquiries: bool = False
    """The school and the LA must both have made reasonable enquiries and failed to find
    where the pupil is."""
    needs_la_consent_for_special_school: bool = False
    """A pupil placed at a special school by the LA needs the LA's consent to be deleted."""
    school_days_threshold: int | None = None
    """The number of school days the ground counts (absence, or days after leave ended)."""
    return_within_school_days: int | None = None
    """A deletion return is due to the LA within this many school days after the deletion."""
    ends_cme_concern: bool = False
    """Portal policy, not law: the ground itself shows the pupil is on another school's
    register, has died or is past compulsory school age."""
    welsh_lettering: bool = False
    """The legislation has a Welsh text whose paragraphs are lettered in the Welsh alphabet."""

    @property
    def citation(self) -> Text:
        """``regulation 8(1)(f)`` / ``rheoliad 8(1)(dd)``."""
        match = _CODE.fullmatch(self.code)
        if match is None:
            raise ValueError(f"not a provision code: {self.code!r}")
        provision, letter = match["provision"], match["letter"]
        cy_letter = (
            _WELSH_LETTERS[ascii_lowercase.index(letter)] if self.welsh_lettering else letter
        )
        return Text(en=f"regulation {provision}({letter})", cy=f"rheoliad {provision}({cy_letter})")


@dataclass(frozen=True)
class RuleSet:
    """The deletion grounds of one jurisdiction's regulations, with the dates they apply."""

    key: str
    title: Text
    jurisdiction: Jurisdiction
    in_force_from: date
    superseded_on: date | None
    """The first day on which these rules no longer apply."""
    grounds: tuple[Ground, ...]

    def applies_on(self, day: date) -> bool:
        ended = self.superseded_on is not None and day >= self.superseded_on
        return self.in_force_from <= day and not ended

    def ground(self, code: str) -> Ground:
        for candidate in self.grounds:
            if candidate.code == code:
                return candidate
        raise KeyError(f"rule set {self.key!r} has no ground {code!r}")


def _and(first: Text, second: Text) -> Text:
    return Text(f"{first.en}, and {second.en}", f"{first.get('cy')}, ac {second.get('cy')}")


# England since the 2016 amendments: the school and the LA enquire jointly. Wales 2010: each of
# them, after reasonable enquiry.
_UNKNOWN_AFTER_JOINT_ENQUIRIES = Text(
    "the school and the council, after joint reasonable enquiries, do not know where the pupil is",
    "nid yw'r ysgol a'r cyngor yn gwybod ble mae'r disgybl ar ôl gwneud ymholiadau rhesymol ar "
    "y cyd",
)
_UNKNOWN_AFTER_ENQUIRIES = Text(
    "the school and the council, after reasonable enquiries, do not know where the pupil is",
    "nid yw'r ysgol a'r cyngor yn gwybod ble mae'r disgybl ar ôl gwneud ymholiadau rhesymol",
)
_NOT_BACK_AFTER_LEAVE = Text(
    "Not back within 10 school days after a leave of absence ended",
    "Heb ddychwelyd o fewn 10 diwrnod ysgol ar ôl i gyfnod o ganiatâd i fod yn absennol ddod i "
    "ben",
)
_ABSENT_20_SCHOOL_DAYS = Text(
    "Absent without authorisation for 20 school days in a row",
    "Yn absennol heb awdurdod am 20 diwrnod ysgol yn ddi-dor",
)
_REGISTERED_ELSEWHERE = Text("Registered at another school", "Wedi'i gofrestru mewn ysgol arall")
_DIED = Text("Has died", "Wedi marw")
_PAST_COMPULSORY_SCHOOL_AGE = Text(
    "Reaching the end of compulsory school age and not staying on at the school",
    "Yn cyrraedd diwedd oedran ysgol gorfodol ac nid yw'n aros yn yr ysgol",
)
_PERMANENTLY_EXCLUDED = Text("Permanently excluded", "Wedi'i wahardd yn barhaol")

# Labels shared by England 2006 and Wales 2010, whose grounds are worded alike.
_ORDER_SUBSTITUTED_OR_REVOKED = Text(
    "School attendance order: the council named another school, or revoked the order because "
    "education is arranged otherwise than at school",
    "Gorchymyn mynychu ysgol: mae'r cyngor wedi enwi ysgol arall, neu wedi dirymu'r gorchymyn "
    "am fod addysg wedi'i threfnu heblaw yn yr ysgol",
)
_STOPPED_ATTENDING_DUAL_REGISTERED = Text(
    "Registered at more than one school, stopped attending this one, and the other school has "
    "consented",
    "Wedi'i gofrestru mewn mwy nag un ysgol, wedi peidio â mynychu'r ysgol hon, ac mae'r ysgol "
    "arall wedi cydsynio",
)
_STOPPED_ATTENDING_HOME_EDUCATED = Text(
    "Stopped attending, and the parent has told the school in writing that the pupil is being "
    "educated otherwise than at school (elective home education)",
    "Wedi peidio â mynychu, ac mae'r rhiant wedi rhoi gwybod i'r ysgol yn ysgrifenedig fod y "
    "disgybl yn cael addysg heblaw yn yr ysgol (addysg ddewisol yn y cartref)",
)
_STOPPED_ATTENDING_MOVED_AWAY = Text(
    "Stopped attending and no longer lives within reasonable distance of the school (not a "
    "boarder)",
    "Wedi peidio â mynychu ac nid yw'n byw o fewn pellter rhesymol i'r ysgol mwyach (nid "
    "disgybl preswyl)",
)
_MEDICALLY_UNFIT = Text(
    "Certified by the school medical officer as unlikely to be fit to attend school before the "
    "end of compulsory school age",
    "Mae swyddog meddygol yr ysgol wedi ardystio nad yw'r disgybl yn debygol o fod yn ddigon "
    "iach i fynychu'r ysgol cyn diwedd oedran ysgol gorfodol",
)
_DETAINED_FOUR_MONTHS = Text(
    "Detained under a court order for at least four months and not expected to return to the "
    "school",
    "Wedi'i gadw dan orchymyn llys am o leiaf bedwar mis, ac nid oes disgwyl i'r disgybl "
    "ddychwelyd i'r ysgol",
)
_LEFT_NON_MAINTAINED_SCHOOL = Text(
    "No longer a pupil of a school that the council does not maintain",
    "Nid yw'n ddisgybl mwyach mewn ysgol nad yw'r cyngor yn ei chynnal",
)
_NURSERY_NOT_MOVED_UP = Text(
    "Admitted for nursery education and did not move up to a reception or higher class at the "
    "school",
    "Wedi'i dderbyn i gael addysg feithrin ac nid aeth ymlaen i'r dosbarth derbyn nac i "
    "ddosbarth uwch yn yr ysgol",
)

ENGLAND_2024 = RuleSet(
    key="england-2024",
    title=Text(
        en="The School Attendance (Pupil Registration) (England) Regulations 2024",
        cy="Rheoliadau Presenoldeb yn yr Ysgol (Cofrestru Disgyblion) (Lloegr) 2024",
    ),
    jurisdiction="england",
    in_force_from=date(2024, 8, 19),
    superseded_on=None,
    grounds=(
        Ground(
            "9(1)(a)", "registered-at-another-school", _REGISTERED_ELSEWHERE,
            ends_cme_concern=True,
        ),
        Ground(
            "9(1)(b)", "left-after-nursery",
            Text(
                "Finished nursery education here and not expected to attend the school again",
                "Wedi gorffen addysg feithrin yma ac nid oes disgwyl i'r disgybl fynychu'r "
                "ysgol eto",
            ),
        ),
        Ground(
            "9(1)(c)", "dual-registration-ended",
            Text(
                "Also registered at another school, not expected to attend this one again, "
                "and the other school has consented",
                "Wedi'i gofrestru mewn ysgol arall hefyd, nid oes disgwyl i'r disgybl fynychu'r "
                "ysgol hon eto, ac mae'r ysgol arall wedi cydsynio",
            ),
            ends_cme_concern=True,
        ),
        Ground(
            "9(1)(d)", "school-attendance-order-amended",
            Text(
                "The council has amended the school attendance order to name another school",
                "Mae'r cyngor wedi diwygio'r gorchymyn mynychu ysgol i enwi ysgol arall",
            ),
            ends_cme_concern=True,
        ),
        Ground(
            "9(1)(e)", "school-attendance-order-revoked",
            Text(
                "The council has revoked the school attendance order because suitable education "
                "is arranged otherwise than at school",
                "Mae'r cyngor wedi dirymu'r gorchymyn mynychu ysgol am fod addysg addas wedi'i "
                "threfnu heblaw yn yr ysgol",
            ),
        ),
        Ground(
            "9(1)(f)", "home-education",
            Text(
                "The parent has told the school in writing that the pupil is being educated "
                "otherwise than at school (elective home education)",
                "Mae'r rhiant wedi rhoi gwybod i'r ysgol yn ysgrifenedig fod y disgybl yn cael "
                "addysg heblaw yn yr ysgol (addysg ddewisol yn y cartref)",
            ),
            needs_la_consent_for_special_school=True,
        ),
        Ground(
            "9(1)(g)", "moved-away",
            Text(
                "No longer lives within reasonable distance of the school",
                "Nid yw'r disgybl yn byw o fewn pellter rhesymol i'r ysgol mwyach",
            ),
        ),
        Ground(
            "9(1)(h)", "not-returned-after-leave",
            _and(_NOT_BACK_AFTER_LEAVE, _UNKNOWN_AFTER_JOINT_ENQUIRIES),
            requires_joint_enquiries=True,
            school_days_threshold=10,
        ),
        Ground(
            "9(1)(i)", "continuous-absence-20-days",
            _and(_ABSENT_20_SCHOOL_DAYS, _UNKNOWN_AFTER_JOINT_ENQUIRIES),
            requires_joint_enquiries=True,
            school_days_threshold=20,
        ),
        Ground(
            "9(1)(j)", "detained",
            Text(
                "Detained under a sentence and not expected to return to the school",
                "Wedi'i gadw yn y ddalfa dan ddedfryd, ac nid oes disgwyl i'r disgybl "
                "ddychwelyd i'r ysgol",
            ),
        ),
        Ground("9(1)(k)", "died", _DIED, ends_cme_concern=True),
        Ground(
            "9(1)(l)", "past-compulsory-school-age", _PAST_COMPULSORY_SCHOOL_AGE,
            ends_cme_concern=True,
        ),
        Ground(
            "9(1)(m)", "boarding-charges-unpaid",
            Text(
                "A boarder whose charges for board and lodging have not been paid",
                "Disgybl preswyl nad yw'r taliadau am fwyd a llety wedi'u talu ar ei gyfer",
            ),
        ),
        Ground(
            "9(1)(n)", "left-independent-or-non-maintained-special-school",
            Text(
                "No longer a pupil of an independent school or a non-maintained special school",
                "Nid yw'n ddisgybl mewn ysgol annibynnol nac mewn ysgol arbennig nas cynhelir "
                "mwyach",
            ),
        ),
        Ground("9(1)(o)", "permanently-excluded", _PERMANENTLY_EXCLUDED),
    ),
)

# Regulation 8(2) of the 2006 Regulations: LA consent for an LA-placed special school pupil on
# every ground except (a), (j) and (m).
_England2006Ground = partial(Ground, needs_la_consent_for_special_school=True)

ENGLAND_2006 = RuleSet(
    key="england-2006",
    title=Text(
        en="The Education (Pupil Registration) (England) Regulations 2006",
        cy="Rheoliadau Addysg (Cofrestru Disgyblion) (Lloegr) 2006",
    ),
    jurisdiction="england",
    in_force_from=date(2006, 9, 1),
    superseded_on=date(2024, 8, 19),
    grounds=(
        Ground(
            "8(1)(a)", "school-attendance-order-substituted-or-revoked",
            _ORDER_SUBSTITUTED_OR_REVOKED,
        ),
        _England2006Ground(
            "8(1)(b)", "registered-at-another-school", _REGISTERED_ELSEWHERE,
            ends_cme_concern=True,
        ),
        _England2006Ground(
            "8(1)(c)", "dual-registration-ended", _STOPPED_ATTENDING_DUAL_REGISTERED,
            ends_cme_concern=True,
        ),
        _England2006Ground("8(1)(d)", "home-education", _STOPPED_ATTENDING_HOME_EDUCATED),
        _England2006Ground("8(1)(e)", "moved-away", _STOPPED_ATTENDING_MOVED_AWAY),
        _England2006Ground(
            "8(1)(f)", "not-returned-after-leave",
            _and(_NOT_BACK_AFTER_LEAVE, _UNKNOWN_AFTER_JOINT_ENQUIRIES),
            requires_joint_enquiries=True,
            school_days_threshold=10,
        ),
        _England2006Ground("8(1)(g)", "medically-unfit", _MEDICALLY_UNFIT),
        _England2006Ground(
            "8(1)(h)", "continuous-absence-20-days",
            _and(_ABSENT_20_SCHOOL_DAYS, _UNKNOWN_AFTER_JOINT_ENQUIRIES),
            requires_joint_enquiries=True,
            school_days_threshold=20,
        ),
        _England2006Ground("8(1)(i)", "detained", _DETAINED_FOUR_MONTHS),
        Ground("8(1)(j)", "died", _DIED, ends_cme_concern=True),
        _England2006Ground(
            "8(1)(k)", "past-compulsory-school-age", _PAST_COMPULSORY_SCHOOL_AGE,
            ends_cme_concern=True,
        ),
        _England2006Ground("8(1)(l)", "left-non-maintained-school", _LEFT_NON_MAINTAINED_SCHOOL),
        Ground("8(1)(m)", "permanently-excluded", _PERMANENTLY_EXCLUDED),
        _England2006Ground("8(1)(n)", "left-after-nursery", _NURSERY_NOT_MOVED_UP),
    ),
)

# Wales 2010 was modelled on England 2006. Verified against stored copies of legislation.gov.uk:
# (a), (b) and the opening of (c) from regulation 8(1); (c) as dual registration, (f) as leave
# of absence (Welsh "(dd)") and (h) as twenty school days (Welsh "(f)") from the Welsh
# explanatory note; the (c), (d), (g), (i), (m) return from regulation 12(3).
# UNVERIFIED (the stored copies were truncated): the wording of (d), (e), (g) and (i) to (n),
# taken to match England 2006 8(1)(d), (e), (g) and (i) to (n); whether (n) (nursery) exists
# in Wales at all; and regulation 8(2) (LA consent for a special school pupil), taken to match
# England 2006 8(2).
_WalesGround = partial(Ground, welsh_lettering=True)
_WalesGroundWithConsent = partial(_WalesGround, needs_la_consent_for_special_school=True)
_WALES_RETURN_DAYS = 10  # regulation 12(3)

WALES_2010 = RuleSet(
    key="wales-2010",
    title=Text(
        en="The Education (Pupil Registration) (Wales) Regulations 2010",
        cy="Rheoliadau Addysg (Cofrestru Disgyblion) (Cymru) 2010",
    ),
    jurisdiction="wales",
    in_force_from=date(2010, 9, 1),
    superseded_on=None,
    grounds=(
        _WalesGround(
            "8(1)(a)", "school-attendance-order-substituted-or-revoked",
            _ORDER_SUBSTITUTED_OR_REVOKED,
        ),
        _WalesGroundWithConsent(
            "8(1)(b)", "registered-at-another-school", _REGISTERED_ELSEWHERE,
            ends_cme_concern=True,
        ),
        _WalesGroundWithConsent(
            "8(1)(c)", "dual-registration-ended", _STOPPED_ATTENDING_DUAL_REGISTERED,
            return_within_school_days=_WALES_RETURN_DAYS,
            ends_cme_concern=True,
        ),
        _WalesGroundWithConsent(
            "8(1)(d)", "home-education", _STOPPED_ATTENDING_HOME_EDUCATED,
            return_within_school_days=_WALES_RETURN_DAYS,
        ),
        _WalesGroundWithConsent("8(1)(e)", "moved-away", _STOPPED_ATTENDING_MOVED_AWAY),
        _WalesGroundWithConsent(
            "8(1)(f)", "not-returned-after-leave",
            _and(
                Text(
                    "Not back within 10 school days after a leave of absence of more than 10 "
                    "school days ended",
                    "Heb ddychwelyd o fewn 10 diwrnod ysgol ar ôl i gyfnod o ganiatâd i fod yn "
                    "absennol am fwy na 10 diwrnod ysgol ddod i ben",
                ),
                _UNKNOWN_AFTER_ENQUIRIES,
            ),
            requires_joint_enquiries=True,
            school_days_threshold=10,
        ),
        _WalesGroundWithConsent(
            "8(1)(g)", "medically-unfit", _MEDICALLY_UNFIT,
            return_within_school_days=_WALES_RETURN_DAYS,
        ),
        _WalesGroundWithConsent(
            "8(1)(h)", "continuous-absence-20-days",
            _and(_ABSENT_20_SCHOOL_DAYS, _UNKNOWN_AFTER_ENQUIRIES),
            requires_joint_enquiries=True,
            school_days_threshold=20,
        ),
        _WalesGroundWithConsent(
            "8(1)(i)", "detained", _DETAINED_FOUR_MONTHS,
            return_within_school_days=_WALES_RETURN_DAYS,
        ),
        _WalesGround("8(1)(j)", "died", _DIED, ends_cme_concern=True),
        _WalesGroundWithConsent(
            "8(1)(k)", "past-compulsory-school-age", _PAST_COMPULSORY_SCHOOL_AGE,
            ends_cme_concern=True,
        ),
        _WalesGroundWithConsent(
            "8(1)(l)", "left-non-maintained-school", _LEFT_NON_MAINTAINED_SCHOOL
        ),
        _WalesGround(
            "8(1)(m)", "permanently-excluded", _PERMANENTLY_EXCLUDED,
            return_within_school_days=_WALES_RETURN_DAYS,
        ),
        _WalesGroundWithConsent("8(1)(n)", "left-after-nursery", _NURSERY_NOT_MOVED_UP),
    ),
)

RULESETS: tuple[RuleSet, ...] = (ENGLAND_2024, ENGLAND_2006, WALES_2010)
_BY_KEY = {ruleset.key: ruleset for ruleset in RULESETS}


def get_ruleset(key: str) -> RuleSet:
    """The rule set with this key; KeyError if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no deletion-grounds rule set {key!r}") from None


def ground(ruleset_key: str, code: str) -> Ground:
    """One ground of one rule set, e.g. ``ground("england-2024", "9(1)(i)")``."""
    return get_ruleset(ruleset_key).ground(code)


def ruleset_for(jurisdiction: Jurisdiction, on: date) -> RuleSet:
    """The rule set in force in ``jurisdiction`` on ``on``."""
    for ruleset in RULESETS:
        if ruleset.jurisdiction == jurisdiction and ruleset.applies_on(on):
            return ruleset
    raise NoRuleSetError(f"no deletion-grounds rule set is kept for {jurisdiction!r} on {on}")
