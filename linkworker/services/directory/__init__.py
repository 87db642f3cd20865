"""Use cases of the directory: services, their import and export (files and feeds), taxonomy,
postcodes, practice populations."""
