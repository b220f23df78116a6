"""Statistics people can see: the platform's figures as charts, tables and CSV, and per area and organization."""
