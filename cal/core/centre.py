"""The centre's own details: its name (also as after "na rzecz"), address, town, who signs
for it (also as after "reprezentowanym przez"), its logo on documents, the usual wording
of a volunteer's agreement, and the value of an hour of volunteer work.

An administrator sets them at /admin/settings; until then the environment gives them
(cal.config, README: Settings). They are one row, read at most once a request, and not
at all on a signed-in user's page while this process knows the row's revision: the
revision comes with the user, in the query that loads them (``revision_column``).
"""

from __future__ import annotations

import base64
from contextlib import suppress
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import LargeBinary, String, Text, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, deferred, mapped_column

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.extensions import db

SETTINGS_ID = 1  # the one row
MAX_LOGO_BYTES = 1024 * 1024
# What a logo may be, known by its first bytes (not by its name or the browser's word).
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
DEFAULT_TERMS = (
    "Każda ze stron może rozwiązać porozumienie w każdym czasie za 7-dniowym "
    "wypowiedzeniem złożonym na piśmie lub w formie wiadomości elektronicznej. "
    "W razie rażącego naruszenia porozumienia przez jedną ze stron druga strona może je "
    "rozwiązać ze skutkiem natychmiastowym."
)
DEFAULT_PLACE = ("siedziba Korzystającego oraz miejsca uzgodnione z koordynatorem "
                 "wolontariatu")
# The first words of the usual names of a centre and of its head, declined: a default
# only, which the administrator corrects in the settings.
_GENITIVE = {"ośrodek": "Ośrodka", "miejski": "Miejskiego", "gminny": "Gminnego",
             "miejsko-gminny": "Miejsko-Gminnego", "powiatowy": "Powiatowego",
             "centrum": "Centrum", "miejskie": "Miejskiego", "gminne": "Gminnego"}
_ACCUSATIVE = {"dyrektor": "Dyrektora", "kierownik": "Kierownika", "zastępca": "Zastępcę",
               "p.o.": "p.o."}


class CentreSettings(db.Model):
    """The centre's settings: one row (id 1), absent until first saved."""

    __tablename__ = "centre_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_genitive: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    signatory_name: Mapped[str] = mapped_column(String(120), default="")
    signatory_title: Mapped[str] = mapped_column(String(120))
    represented_by: Mapped[str] = mapped_column(String(200))
    hour_value_gr: Mapped[int] = mapped_column(default=0)
    agreement_scope: Mapped[str] = mapped_column(Text, default="")
    agreement_place: Mapped[str] = mapped_column(String(200), default="")
    agreement_terms: Mapped[str] = mapped_column(Text, default="")
    # PNG or JPEG, at most MAX_LOGO_BYTES; printed on documents, served nowhere else.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_type: Mapped[str] = mapped_column(String(20), default="")
    # Counted up at each save: a process keeps what it read while this stays the same.
    revision: Mapped[int] = mapped_column(default=1)
    # Who saved is in the audit log (no user's key here: nothing personal in this row).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Centre:
    """The settings as read: what templates and documents use."""

    name: str
    name_genitive: str
    address: str
    city: str
    signatory_name: str
    signatory_title: str
    represented_by: str
    hour_value_gr: int
    agreement_scope: str
    agreement_place: str
    agreement_terms: str
    logo_type: str = ""
    saved: bool = False

    @property
    def signatory(self) -> str:
        """Who signs, as under a signature line: "Anna Nowak, Dyrektor Ośrodka"."""
        return ", ".join(part for part in (self.signatory_name, self.signatory_title) if part)

    @property
    def hour_value(self) -> Decimal:
        return Decimal(self.hour_value_gr) / 100


EDITABLE = tuple(f.name for f in fields(Centre) if f.name not in ("logo_type", "saved"))


def decline(phrase: str, table: dict[str, str]) -> str:
    """The phrase with its leading words that the table knows replaced ("Miejski Ośrodek
    Pomocy Społecznej" → "Miejskiego Ośrodka Pomocy Społecznej")."""
    words = phrase.split(" ")
    for i, word in enumerate(words):
        if word.lower() not in table:
            break
        words[i] = table[word.lower()]
    return " ".join(words)


def defaults() -> Centre:
    """The settings the environment gives, before an administrator saves them."""
    config = current_app.config
    name, title = config["CENTRE_NAME"], config["CENTRE_SIGNATORY"]
    return Centre(
        name=name, name_genitive=config["CENTRE_NAME_GENITIVE"] or decline(name, _GENITIVE),
        address=config["CENTRE_ADDRESS"], city=config["CENTRE_CITY"], signatory_name="",
        signatory_title=title,
        represented_by=config["CENTRE_REPRESENTED_BY"] or decline(title, _ACCUSATIVE),
        hour_value_gr=int(Decimal(str(config["VOLUNTEER_HOUR_VALUE"]).replace(",", ".")) * 100),
        agreement_scope="", agreement_place=DEFAULT_PLACE, agreement_terms=DEFAULT_TERMS)


def _cache():
    """Where a read is kept: the request (tests run requests in one app context), else
    the app context of a job."""
    return request if has_request_context() else g


def centre() -> Centre:
    """The centre's settings; one query a request at most, none while the signed-in
    user's revision matches what this process read last."""
    holder = _cache()
    cached = getattr(holder, "cal_centre", None)
    if cached is None:
        cached = holder.cal_centre = _known() or _read()
    return cached


def revision_column(_user_id):
    """The settings' revision, loaded with the signed-in user (cal.core.rooms,
    user_columns); none before the first save."""
    return select(CentreSettings.revision).where(
        CentreSettings.id == SETTINGS_ID).scalar_subquery()


_KEPT = "cal.centre"  # the app's (revision, Centre) last read by this process
_UNKNOWN = object()


def _known() -> Centre | None:
    if not has_request_context():
        return None
    kept = current_app.extensions.get(_KEPT)
    revision = getattr(current_user, "centre_revision", _UNKNOWN)
    if kept is not None and revision is not _UNKNOWN and kept[0] == revision:
        return kept[1]
    return None


def _read() -> Centre:
    try:
        row = db.session.get(CentreSettings, SETTINGS_ID)
    except SQLAlchemyError:
        # The database is away (a restart): a page, and the error page first of all, still
        # names the centre as this process last read it, or as the environment gives it.
        with suppress(SQLAlchemyError):
            db.session.rollback()
        kept = current_app.extensions.get(_KEPT)
        return kept[1] if kept else defaults()
    read = defaults() if row is None else Centre(
        **{name: getattr(row, name) for name in EDITABLE}, logo_type=row.logo_type,
        saved=True)
    current_app.extensions[_KEPT] = (row.revision if row else None, read)
    return read


def volunteer_hour_value() -> Decimal:
    """The value of an hour of volunteer work in PLN, as the administrator set it."""
    return centre().hour_value


def logo_data_uri() -> str:
    """The logo as a data: address for a document's HTML, or "" when there is none."""
    if not centre().logo_type:
        return ""
    logo = db.session.scalar(select(CentreSettings.logo).where(
        CentreSettings.id == SETTINGS_ID))
    if not logo:
        return ""
    return f"data:{centre().logo_type};base64,{base64.b64encode(logo).decode('ascii')}"


def logo_type_of(content: bytes) -> str:
    """The logo's media type, read from its first bytes; refused when it is neither a
    PNG nor a JPEG, or too large."""
    if len(content) > MAX_LOGO_BYTES:
        raise DomainError(_("The logo may be at most 1 MB."), field="logo")
    for signature, media_type in LOGO_SIGNATURES.items():
        if content.startswith(signature):
            return media_type
    raise DomainError(_("The logo must be a PNG or JPEG image."), field="logo")




def save_centre(values: dict, actor, logo: bytes | None = None,
                remove_logo: bool = False) -> Centre:
    """Keep the settings (the first save keeps the defaults of what it does not name),
    with a new logo or without the old one; audited with the names of what changed."""
    if values.get("hour_value_gr") is not None and values["hour_value_gr"] < 0:
        raise DomainError(_("The value cannot be negative."), field="hour_value_gr")
    logo_type = logo_type_of(logo) if logo else None
    before = centre()
    row = db.session.get(CentreSettings, SETTINGS_ID)
    if row is None:
        row = CentreSettings(id=SETTINGS_ID, logo_type="", revision=0,
                             **{name: getattr(before, name) for name in EDITABLE})
        db.session.add(row)
    changed = [name for name in EDITABLE
               if name in values and values[name] is not None
               and values[name] != getattr(before, name)]
    for name in changed:
        setattr(row, name, values[name])
    if logo_type:
        row.logo, row.logo_type = logo, logo_type
        changed.append("logo")
    elif remove_logo and row.logo_type:
        row.logo, row.logo_type = None, ""
        changed.append("logo")
    row.revision, row.updated_at = row.revision + 1, utcnow()
    db.session.flush()
    audit(actor, AuditAction.UPDATE, "centre_settings", SETTINGS_ID, fields=changed)
    _cache().cal_centre = None
    current_app.extensions.pop(_KEPT, None)
    return centre()

