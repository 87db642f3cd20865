"""The directory of services: the list, a service's entry, imports and exports (files and web
feeds), taxonomy, postcodes, practice populations."""
