"""The monthly summary and the ICB's view across PCNs."""
