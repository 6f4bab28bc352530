"""The gifts of a year as a file: the register as the page shows it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table

GIFTS = Table("gift", _l("In-kind gifts"), "dary-rzeczowe", columns=(
    Column(_l("Received on"), lambda r: r.gift.received_on),
    Column(_l("Donor"), lambda r: r.gift.donor),
    Column(_l("What was given"), lambda r: r.gift.what),
    Column(_l("Quantity"), lambda r: r.gift.quantity),
    Column(_l("Unit"), lambda r: r.gift.unit),
    Column(_l("Estimated value (PLN)"), lambda r: r.gift.value_gr / 100),
    Column(_l("Used for"), lambda r: r.used_for()),
    Column(_l("Note"), lambda r: r.gift.note),
))
