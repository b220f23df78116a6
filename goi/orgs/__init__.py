"""Organizations: members, invitations, verification of governments."""
