"""Admin of progress reporting: requested reports and their status, for staff."""
