"""Documents printed to PDF: a template of templates/documents/ rendered in Polish with
the centre's settings (cal.core.centre: its name, address, signatory and logo), then
printed by WeasyPrint."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from cal.core.centre import centre, logo_data_uri
from cal.core.errors import DomainError


def render_pdf(template: str, **context) -> bytes:
    """A document template rendered in Polish and printed to PDF.

    WeasyPrint is imported here, so the rest of the application runs on a machine
    without the Pango library it needs; printing there is refused with a message."""
    try:
        from weasyprint import HTML
    except OSError as error:  # the Pango library is missing
        raise DomainError(_("PDF printing is not available on this server (the Pango "
                            "library is missing). Ask the administrator."),
                          field="issued_on") from error
    page = current_app.jinja_env.get_template(f"documents/{template}.html")
    with force_locale("pl"):  # no request needed: a job may print a document too
        html = page.render(centre=centre(), logo=logo_data_uri(), **context)
    return HTML(string=html).write_pdf()
