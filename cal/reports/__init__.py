"""The department's reports: the year in figures, read from every room's sections."""
