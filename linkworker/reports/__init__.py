"""ReportLab documents made from the services' dataclasses: no database, no Qt."""
