"""What every screen is built from: forms and their messages, background jobs, tables and item
models, the refusal boxes."""
