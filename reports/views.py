"""Pages of reporting: dashboards and report requests with their live status. Thin
function views: authorise with `reports.permissions`, read or call `reports.services`,
render; no view ever waits for a report to be made."""
