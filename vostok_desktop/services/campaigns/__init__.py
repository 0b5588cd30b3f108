"""The campaigns area's services (no Qt)."""
