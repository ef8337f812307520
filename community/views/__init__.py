"""Pages of the community: themegroups, meetings, organisation profiles and
agreements. Thin function views: authorise with `community.permissions`, read through a
`visible_to(user)` queryset or write through `community.services`, render. The only
place that reads `request`. The views live in modules by subject (themegroups,
meetings, organisations, agreements); `community/urls.py` names them."""
