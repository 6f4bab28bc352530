"""Phone numbers as the centre takes them: read with libphonenumber's data (a number
without a country code is Polish), kept as written, compared and texted in E.164
(+48600100200). Only a mobile number can be sent a text message."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from phonenumbers import NumberParseException, PhoneNumberType
from wtforms.validators import ValidationError

REGION = "PL"
TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parsed(text: str):
    try:
        number = phonenumbers.parse(text or "", REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(text: str) -> str:
    """The number in E.164, or "" when it is no valid number."""
    number = _parsed(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def is_mobile(text: str) -> bool:
    number = _parsed(text)
    return number is not None and phonenumbers.number_type(number) in TEXTABLE


def masked(text: str) -> str:
    """The last three digits only, for lists where the whole number is not needed."""
    digits = e164(text) or text
    return "…" + digits[-3:] if len(digits) > 3 else digits


class Phone:
    """A WTForms validator: a valid number for Poland (or with another country's code)."""

    message = _l("This is not a valid phone number in Poland: give nine digits, "
                 "e.g. 600 100 200, or a number with its country code.")

    def __call__(self, form, field):
        if field.data and not e164(field.data):
            raise ValidationError(str(self.message))
