"""Documents: the agreements, certificates and opinions issued to a volunteer, as PDFs."""
