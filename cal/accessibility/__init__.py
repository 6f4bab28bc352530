"""The accessibility statement (deklaracja dostępności) a public body publishes on its
website (ustawa z 4 kwietnia 2019 r. o dostępności cyfrowej, DOMAIN.md 4.6)."""
