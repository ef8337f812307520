"""Plain predicates of reporting (domain.md §4): who may view which dashboard and request
which report (inkoper and bestuurder: their own organisation; coordinator: their region;
staff: all). They build on `community.permissions`, so only active memberships count."""
