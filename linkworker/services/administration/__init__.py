"""Use cases of administration: the PCN and its practices, users, the audit trail, the data key,
backup and restore."""
