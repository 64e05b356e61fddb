"""Printable forms the client keeps: the service record and the inspection report (PDF)."""
