"""Why the generator refused to run."""


class DemoDataError(Exception):
    """The generator cannot run; the message says what to do."""


class DemoDataExists(DemoDataError):
    """The database already holds people or teams, and --reset was not given."""
