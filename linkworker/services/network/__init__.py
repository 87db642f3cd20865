"""Use cases of the PCN's shared view: the network's cases and figures, the overview."""
