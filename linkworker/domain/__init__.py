"""Pure rules of social prescribing: no Qt, no SQL, no files."""
