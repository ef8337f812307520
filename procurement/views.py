"""Pages of procurement: trajectories and the phase guidance. Thin function views:
authorise with `procurement.permissions` (404 for a trajectory outside the user's
region, 403 for one they may see but not change), read through
`Trajectory.objects.visible_to(user)` or write through `procurement.services`, render."""
