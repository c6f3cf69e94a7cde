"""Pure domain logic: no I/O, imported by conversations, storage and reports."""
