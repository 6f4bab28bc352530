"""Duty hours: a lawyer-volunteer, a psychologist, a police officer and others on duty
at set times, open to all or by appointment, and the appointments booked for them."""
