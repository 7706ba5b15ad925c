"""Writing the site check's reports."""
