"""Forms of the gifts register: a gift, and the year the register shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from cal.core.forms import (
    IntegerField,
    MoneyField,
    NotBefore,
    NotInFuture,
    id_or_none,
    optional_id_field,
    options,
    strip,
    version_field,
)
from cal.core.once import once_key_field
from cal.gifts.models import USED_FOR_LABELS, UsedFor


class GiftForm(FlaskForm):
    version = version_field()  # of the record opened (edits made meanwhile)
    once_key = once_key_field()
    received_on = DateField(_l("Received on"), validators=[InputRequired(), NotBefore(2000),
                                                           NotInFuture()])
    donor = StringField(_l("Donor"), filters=[strip],
                        validators=[InputRequired(), Length(max=200)],
                        description=_l("A shop, a company, a parish, a resident."))
    what = StringField(_l("What was given"), filters=[strip],
                       validators=[InputRequired(), Length(max=200)],
                       description=_l("For example: school backpacks with supplies."))
    quantity = IntegerField(_l("Quantity"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=1_000_000)])
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=40)],
                       description=_l("For example: pcs, kg, parcels."))
    value_gr = MoneyField(_l("Estimated value (PLN)"), validators=[InputRequired()],
                          description=_l("As the donor stated it, or at shop prices."))
    used_for = SelectField(_l("Used for"), choices=options(USED_FOR_LABELS.items()),
                           default=UsedFor.GENERAL.value)
    event_id = optional_id_field(_l("Event"))
    group_id = optional_id_field(_l("Group"))
    household_id = IntegerField(widget=HiddenInput(),
                                validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=300)])

    def gift_data(self) -> dict:
        data = {name: self[name].data for name in (
            "received_on", "donor", "what", "quantity", "unit", "value_gr", "used_for",
            "household_id", "note")}
        return {**data, "event_id": id_or_none(self.event_id.data),
                "group_id": id_or_none(self.group_id.data)}

