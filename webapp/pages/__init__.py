"""The HTML pages, one blueprint per module."""
