"""django-filter FilterSets of reporting: the scope (organisation, themegroup, region)
and period of dashboards and of the list of finished reports, applied after
scoping to the user."""
