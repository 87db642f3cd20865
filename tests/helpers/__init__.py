"""Shared test helpers: a fake keyring, database factories, synthetic people."""
