from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Regexp

from cal.auth.passwords import MAX_LENGTH, MIN_LENGTH
from cal.core.access import Role
from cal.core.forms import ALWAYS_ANSWERED, options, strip
from cal.core.labels import ROLE_LABELS


def role_choices():
    return options((role.value, ROLE_LABELS[role]) for role in Role)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class PasswordResetRequestForm(FlaskForm):
    # Only compared with existing accounts (the demo ones end in .local), so the
    # syntax check is loose; the answer is the same whether or not it matches.
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address.")),
            Length(max=254),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("The password must have %(min)d to %(max)d characters."),
            ),
        ],
        description=_l("At least 12 characters, and not a commonly used password. A few "
                       "words you will remember work well."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"),
                            validators=[InputRequired(), Length(max=256)],
                            render_kw={"autocomplete": "current-password"})


class InviteForm(FlaskForm):
    full_name = StringField(
        _l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=120)]
    )
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()],
                       render_kw=ALWAYS_ANSWERED)


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()],
                       render_kw=ALWAYS_ANSWERED)
    active = BooleanField(_l("May sign in"))
