"""The PCN's shared view: the network's cases and figures, and the overview."""
