"""Task forms: JSON Schema plus the x- keywords, checked in the command layer before anything moves."""
