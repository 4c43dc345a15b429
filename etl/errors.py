"""Errors that turn an input into a row of the rejects table."""


class Rejected(Exception):
    """This input cannot be used; the message says why, for a person to read."""
