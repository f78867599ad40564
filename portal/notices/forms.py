"""The forms of the notices: sending one (back-office), answering one (the receiving council's
back-office, or the page a council not on the portal opens through its link)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from forms import validators as v
from forms.registry import GovCheckboxesField, GovDateField, GovRadioField, GovSelectField
from portal.notices import ANSWER_LABELS

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
DIRECTION_CHOICES = [
    ("moved_into_your_area", _l("The child is believed to have moved into their area")),
    ("moved_out_of_your_area", _l("The child has arrived here from their area")),
    ("confirm_on_roll_or_ehe", _l("Please confirm whether the child is on a school roll or "
                                  "home educated in their area")),
]
ANSWER_CHOICES = [(key, text) for key, text in ANSWER_LABELS.items()]
SHORT, NAME, ADDRESS, LONG = 100, 200, 500, 5000


def _required(sentence):
    return v.Required(sentence)


def _text(label, *validators, maximum: int):
    return StringField(label, filters=[v.clean_text], validators=[*validators,
                                                                  v.MaxLength(maximum)])


def _area(label, *validators, maximum: int):
    return TextAreaField(label, filters=[v.clean_text], validators=[*validators,
                                                                    v.MaxLength(maximum)])


class SendNoticeForm(FlaskForm):
    send_token = HiddenField()
    to_council = GovSelectField(_l("Which council are you sending it to?"), validate_choice=False,
                                validators=[_required(_l("Select the council to send the notice "
                                                         "to"))])
    direction = GovRadioField(_l("What are you telling them?"), choices=DIRECTION_CHOICES,
                              validate_choice=False, validators=[
        _required(_l("Select what you are telling the other council"))])
    at_risk_now = GovRadioField(_l("Do you think the child is at risk of harm now?"),
                                choices=YES_NO, validate_choice=False, validators=[
        _required(_l("Select yes if you think the child is at risk of harm now"))])
    child_first_name = _text(_l("First name"), _required(_l("Enter the child's first name")),
                             maximum=SHORT)
    child_last_name = _text(_l("Last name"), _required(_l("Enter the child's last name")),
                            maximum=SHORT)
    other_names = _text(_l("Other names or spellings (optional)"), maximum=NAME)
    child_dob = GovDateField(_l("Date of birth"), validators=[
        _required(_l("Enter the child's date of birth"))])
    upn = StringField(_l("Unique pupil number (UPN) (optional)"), filters=[v.clean_text],
                      validators=[v.MaxLength(20), v.check_upn])
    last_address = _area(_l("Last known address"),
                         _required(_l("Enter the child's last known address")), maximum=ADDRESS)
    postcode = StringField(_l("Postcode of the last known address (optional)"),
                           filters=[v.clean_text], validators=[v.MaxLength(12), v.check_postcode])
    new_address = _area(_l("Address the child is believed to have moved to (optional)"),
                        maximum=ADDRESS)
    new_postcode = StringField(_l("Postcode of that address (optional)"), filters=[v.clean_text],
                               validators=[v.MaxLength(12), v.check_postcode])
    last_school_name = _text(_l("Last school (optional)"), maximum=NAME)
    school_laestab = StringField(_l("DfE number of the last school (optional)"),
                                 filters=[v.clean_text],
                                 validators=[v.MaxLength(12), v.check_laestab])
    last_attendance = GovDateField(_l("Last day the child attended school (optional)"))
    risk_groups = GovCheckboxesField(_l("Vulnerabilities (optional)"), choices=[])
    what_is_known = _area(_l("What is known about the child and family"),
                          _required(_l("Enter what is known about the child and family")),
                          maximum=LONG)
    actions_taken = _area(_l("Actions taken so far (optional)"), maximum=LONG)
    s2s_status = GovRadioField(_l("What have you found in the lost pupils database (S2S)?"),
                               choices=[], validate_choice=False, validators=[
        _required(_l("Select what you have found in the lost pupils database"))])
    reply_by = GovDateField(_l("When do you want a reply by?"), validators=[
        _required(_l("Enter the date you want a reply by"))])
    sender_role = _text(_l("Your role"), _required(_l("Enter your role")), maximum=SHORT)
    sender_phone = StringField(_l("Your telephone number (optional)"), filters=[v.clean_text],
                               validators=[v.MaxLength(30), v.check_phone])

    def __init__(self, *args, today=None, councils=(), risk_groups=(), s2s=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.to_council.choices = list(councils)
        self.risk_groups.choices = list(risk_groups)
        self.s2s_status.choices = list(s2s)

    def validate_child_dob(self, field) -> None:
        if field.data and self.today and field.data > self.today:
            raise ValidationError(_("The date of birth must be in the past"))

    def validate_last_attendance(self, field) -> None:
        if field.data and self.today and field.data > self.today:
            raise ValidationError(_("The last day the child attended must be today or in the "
                                    "past"))

    def validate_reply_by(self, field) -> None:
        if field.data and self.today and field.data <= self.today:
            raise ValidationError(_("The date you want a reply by must be in the future"))


class AnswerForm(FlaskForm):
    answer = GovRadioField(_l("What is your answer?"), choices=ANSWER_CHOICES,
                           validate_choice=False,
                           validators=[_required(_l("Select your answer"))])
    school_name = _text(_l("Name of the school the child is on roll at"), maximum=NAME)
    school_laestab = StringField(_l("DfE number of the school (optional)"),
                                 filters=[v.clean_text],
                                 validators=[v.MaxLength(12), v.check_laestab])
    details = _area(_l("Anything else the sending council should know (optional)"),
                    maximum=2000)

    def validate_school_name(self, field) -> None:
        if self.answer.data == "found_on_roll" and not (field.data or "").strip():
            raise StopValidation(_("Enter the name of the school the child is on roll at"))


class LinkAnswerForm(AnswerForm):
    """On the page opened through the link: the person answering says who they are."""

    responder_name = _text(_l("Your name"), _required(_l("Enter your name")), maximum=NAME)
    responder_phone = StringField(_l("Your telephone number (optional)"), filters=[v.clean_text],
                                  validators=[v.MaxLength(30), v.check_phone])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[v.clean_text], validators=[
        _required(_l("Enter the code we emailed to you"))])

    def validate_code(self, field) -> None:
        field.data = "".join((field.data or "").split())
        if not (len(field.data) == 6 and field.data.isdigit()):
            raise ValidationError(_("Enter the 6-digit code we emailed to you"))
