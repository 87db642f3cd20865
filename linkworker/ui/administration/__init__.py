"""Administration: practices, users, the audit trail, the data key, the idle lock, needs."""
