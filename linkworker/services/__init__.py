"""Use cases. Each takes a Session and the signed-in Actor, checks the role, writes the audit
trail and returns plain dataclasses: no ORM object leaves this package."""
