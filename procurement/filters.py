"""django-filter FilterSets of the trajectory list pages (status, phase, R-level,
procurement type, product category). A view scopes first
(`Trajectory.objects.visible_to(user)`), then applies the FilterSet, then paginates."""
