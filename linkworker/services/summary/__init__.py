"""Use cases of figures: the monthly summary and its export, the disclosure rule, who is reached
(equity), the ICB's view."""
