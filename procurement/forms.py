"""Forms of procurement: a trajectory, its phase progress, answers to guiding questions,
team and KPIs. Field mapping and validation only; saving goes through
`procurement.services`, and confidential fields are left out of forms shown to a user
who may not read them (`procurement.permissions.can_see_confidential`)."""
