"""Proposals: a team's answer to a challenge, from draft to sealed submission."""
