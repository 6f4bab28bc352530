"""The form of an EU participant's record: who they are (sex, birth date, PESEL or another
identifier, citizenship), where they live (address down to the gmina, DEGURBA), their
participation, education and labour-market status, the disadvantage questions, and the
kinds of support received (rows of the monitoring system's file)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from cal.core.forms import NoChoice, NotAfter, NotBefore, options, required_id_field, strip
from cal.core.once import once_key_field
from cal.projects.participant_models import (
    ANSWER_LABELS,
    ASKED_FLAGS,
    CITIZENSHIP_LABELS,
    DEGURBA_LABELS,
    EDUCATION_LABELS,
    EXIT_LABELS,
    LABOUR_DETAIL_LABELS,
    LABOUR_STATUS_LABELS,
    SEX_LABELS,
    VOIVODESHIPS,
    Answer,
    Citizenship,
    Degurba,
    Education,
    ExitSituation,
    LabourDetail,
    LabourStatus,
    Sex,
)

MAX_SUPPORTS = 30  # rows of support a participant's form takes at once
EMPTY_ROWS = 2  # empty rows offered below those recorded
YES_NO = {"yes": True, "no": False}


def _choices(labels) -> list:
    return options((key.value, label) for key, label in labels.items())


def _enum_or_none(enum_cls):
    """The coerce of a select whose first option, "—", is no answer."""
    def coerce(value):
        return None if value in ("", None) else enum_cls(value)
    return coerce


def _required_select(label, labels, enum_cls, **kwargs) -> SelectField:
    return SelectField(label, choices=[*options([("", "—")]), *_choices(labels)],
                       coerce=_enum_or_none(enum_cls), validators=[InputRequired()], **kwargs)


def _text(label, length: int, **kwargs) -> StringField:
    return StringField(label, filters=[strip], validators=[Length(max=length)], **kwargs)


class SupportForm(FlaskForm):
    """A kind of support received, from a day; a row left empty is left out."""

    class Meta:
        csrf = False

    scope = _text(_l("Scope of support"), 200)
    kind = _text(_l("Kind of support"), 200, render_kw={"list": "support-kinds"})
    kind_detail = _text(_l("Of which"), 200, render_kw={"list": "support-details"})
    started_on = DateField(_l("Support from"), validators=[Optional(), NotBefore(2000),
                                                           NotAfter(2100)])

    def filled(self) -> bool:
        return bool(self.scope.data or self.kind.data or self.kind_detail.data
                    or any(self.started_on.raw_data or ()))


class ParticipantForm(FlaskForm):
    once_key = once_key_field()
    person_id = required_id_field(_l("Person"))
    sex = SelectField(_l("Sex"), choices=_choices(SEX_LABELS), coerce=Sex)
    birth_date = DateField(_l("Birth date"), validators=[Optional(), NotBefore(1900),
                                                         NotAfter(2100)],
                           description=_l("Needed only when the person's record has none "
                                          "and no PESEL is given."))
    identifier = StringField(_l("PESEL or another identifier"), filters=[strip],
                             validators=[Length(max=40)], render_kw={"autocomplete": "off"})
    no_pesel = BooleanField(_l("No PESEL: another identifier is given (e.g. a passport "
                               "number)"))
    citizenship = _required_select(_l("Citizenship"), CITIZENSHIP_LABELS, Citizenship,
                                   description=_l("A citizen of a country outside the EU is "
                                                  "counted as a third-country national."))
    country = _text(_l("Country of residence"), 60, default="Polska")
    voivodeship = SelectField(_l("Voivodeship"), validators=[NoChoice()],
                              choices=options([("", "—"), *((v, v) for v in VOIVODESHIPS)]))
    powiat = _text(_l("Powiat"), 80)
    gmina = _text(_l("Gmina"), 80)
    locality = _text(_l("Locality"), 80)
    postcode = _text(_l("Postcode"), 10, description=_l("For example 00-950."))
    degurba = _required_select(_l("Degree of urbanisation (DEGURBA)"), DEGURBA_LABELS,
                               Degurba, description=_l("As the statistics office classes "
                                                       "the gmina (or its part)."))
    started_on = DateField(_l("Start of participation"),
                           validators=[InputRequired(), NotBefore(2000), NotAfter(2100)])
    ended_on = DateField(_l("End of participation"),
                         validators=[Optional(), NotBefore(2000), NotAfter(2100)])
    completed_as_planned = SelectField(
        _l("Ended along the path planned for the person"), validators=[NoChoice()],
        choices=options([("", "—"), ("yes", _l("Yes")), ("no", _l("No"))]),
        description=_l("Answered once the participation has ended."))
    exit_situation = SelectField(_l("Situation at exit"),
                                 choices=[*options([("", "—")]), *_choices(EXIT_LABELS)],
                                 validators=[NoChoice()])
    education = SelectField(_l("Education (ISCED)"), choices=_choices(EDUCATION_LABELS),
                            coerce=Education, description=_l("The highest level completed."))
    labour_status = SelectField(_l("Labour-market status at entry"),
                                choices=_choices(LABOUR_STATUS_LABELS), coerce=LabourStatus)
    labour_detail = SelectField(
        _l("Of which (labour-market status)"), validators=[NoChoice()],
        choices=[*options([("", "—")]), *_choices(LABOUR_DETAIL_LABELS)],
        description=_l("For the unemployed: long-term or other; for the employed: where "
                       "they work. None for the inactive."))
    disability = SelectField(_l("Disability"), choices=_choices(ANSWER_LABELS), coerce=Answer)
    foreign_background = SelectField(_l("Foreign background"), choices=_choices(ANSWER_LABELS),
                                     coerce=Answer)
    minority = SelectField(_l("Minority (incl. Roma)"), choices=_choices(ANSWER_LABELS),
                           coerce=Answer)
    homeless = SelectField(_l("Homeless or affected by housing exclusion"),
                           choices=_choices(ANSWER_LABELS), coerce=Answer)
    support_rows = FieldList(FormField(SupportForm), max_entries=MAX_SUPPORTS)

    def show(self, participant, supports) -> None:
        """Fill the choices the record keeps as no answer, and the rows of support."""
        self.labour_detail.data = (participant.labour_detail.value
                                   if participant.labour_detail else "")
        self.exit_situation.data = (participant.exit_situation.value
                                    if participant.exit_situation else "")
        self.completed_as_planned.data = {True: "yes", False: "no"}.get(
            participant.completed_as_planned, "")
        for support in supports:
            self.support_rows.append_entry(support)

    def offer_rows(self) -> None:
        """Empty rows below those shown, for more kinds of support."""
        for _ in range(min(EMPTY_ROWS, MAX_SUPPORTS - len(self.support_rows))):
            self.support_rows.append_entry()

    def participant_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "sex", "identifier", "no_pesel", "citizenship", "country", "powiat", "gmina",
            "locality", "postcode", "degurba", "started_on", "ended_on", "education",
            "labour_status", *ASKED_FLAGS)}
        data.update(
            voivodeship=self.voivodeship.data or "",
            labour_detail=LabourDetail(self.labour_detail.data)
            if self.labour_detail.data else None,
            exit_situation=ExitSituation(self.exit_situation.data)
            if self.exit_situation.data else None,
            completed_as_planned=YES_NO.get(self.completed_as_planned.data),
            supports=[{"row": n, "scope": row.scope.data, "kind": row.kind.data,
                       "kind_detail": row.kind_detail.data, "started_on": row.started_on.data}
                      for n, row in enumerate(self.support_rows) if row.form.filled()])
        return data

