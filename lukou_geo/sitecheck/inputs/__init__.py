"""Reading projects: one module per input format."""
