"""The centre's settings page: what documents say of the centre (cal.core.centre)."""
