"""Profiles: applications, the pipeline of stages, a volunteer's page with their legal
records, and the volunteer's own profile."""
