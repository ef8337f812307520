"""django-filter FilterSets of the community's list pages (themegroups, meetings,
organisations). A view scopes first (`visible_to(user)`), then applies the FilterSet,
then paginates; all filter state lives in the URL."""
