"""Following a match once it is accepted: the contact log, the check-ins with the
family's voice, the matches gone quiet, and the end of a match with its cause."""
