"""Matching reviewers to proposals: the assignment solver (assignment.py) and, later, the recommendations."""
