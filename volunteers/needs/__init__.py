"""Needs: help requests of persons and households, the matching of volunteers to them,
proposals and matches."""
