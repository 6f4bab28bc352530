"""Hours: time volunteers give, logged on the phone and approved at the desk."""
