"""Persistence: models, engines, keys and migrations. Only services import from here."""
