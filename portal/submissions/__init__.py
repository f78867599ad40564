"""Storing what the public sends: drafts in progress, references, and final submissions."""
