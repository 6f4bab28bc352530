"""Community: events with registration and the public calendar (Centrum Aktywności
Lokalnej)."""
