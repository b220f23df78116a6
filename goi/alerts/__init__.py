"""Alerts: a user's saved searches of the challenge list, and a notice of each new challenge that matches one."""
