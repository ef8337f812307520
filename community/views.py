"""Pages of the community: themegroups, meetings and organisation profiles. Thin
function views: authorise with `community.permissions`, read through a `visible_to(user)`
queryset or write through `community.services`, render. The only place that reads
`request`."""
