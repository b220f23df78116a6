"""The review of a challenge's proposals; for now its last step: the published results."""
