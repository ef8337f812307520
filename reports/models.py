"""Models of progress reporting: a requested PDF report is a row that holds its scope,
period, status, progress, error, timestamps and requester (the view creates it and
enqueues its id on commit), with a QuerySet that scopes to the user
(`visible_to(user)`). Reports read trajectories, cases and the community; they own no
data of those apps."""
