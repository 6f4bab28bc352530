"""Training: courses, sessions, enrolments, completions, and their rows of the compliance
panel."""
