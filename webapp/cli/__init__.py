"""The ``cadreflow`` command line (also ``flask --app webapp …``)."""
