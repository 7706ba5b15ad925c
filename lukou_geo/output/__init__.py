"""File output shared by every job: the CJK font."""
