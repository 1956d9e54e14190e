"""Safety hazard reports: what Electricity Friend was made for."""
