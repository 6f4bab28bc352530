"""The annual report of the Social Integration Club (KIS) to the voivode (art. 18a of
the social employment act, DOMAIN.md 3.1): staff, participants by target group with
their effects, activities, and the settlement of grants.

It stands in the projects' room because its fourth part is the projects' money: the
projects room sits above the clubs in the layers (pyproject.toml), so it reads both
without a new registry in the core."""
