"""Challenges: a city's problem, its criteria, timeline, addenda and questions."""
