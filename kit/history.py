"""Change history (django-simple-history) as people read it."""


def changed_fields(record, older) -> list[str]:
    """The labels of the fields that differ between a history record and the one
    before it (none for the first record)."""
    if older is None:
        return []
    model = record.instance_type
    return [
        str(model._meta.get_field(change.field).verbose_name)
        for change in record.diff_against(older).changes
    ]
