"""Notifications: in-app and email, per the user's choice of channel."""
