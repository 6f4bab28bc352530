"""The volunteers: their rooms, and what the rooms share.

Shared here: the volunteer and their legal records (models.py), the weekly availability
grid (availability.py), the rules of the legal records (compliance.py), the lookups of a
volunteer (services.py), form pieces (forms.py) and page helpers (pages.py). The rooms,
each a package with its own blueprint, from the bottom up (each imports only those below):
training, needs (help requests, matching, matches), hours, documents, profiles.
"""
