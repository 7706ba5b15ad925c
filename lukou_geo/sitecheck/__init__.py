"""The site check (选址核查): inputs, context, overlay, verdict, reports, CLI."""
