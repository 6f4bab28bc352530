"""Partner institutions: the circle the centre works with (police, court, schools,
health care, culture, associations), their contact people, agreements and the log of
work done together."""
