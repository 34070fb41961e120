"""A base for SQL written by hand about each row of the outer query."""

from django.db.models import Expression, F


class AboutOuterRow(Expression):
    """An expression whose SQL (``as_sql``) is written by hand and refers to one column of the outer query's row,
    its primary key unless told otherwise (``row``).

    The hot read paths use these where the ORM would build and compile a correlated subquery anew on every
    request (see ``access.case.LimitedAccessTest`` and ``people.search.MainTown``). ``as_sql`` compiles
    ``self.row`` to get the outer column, and must quote only names from model metadata, every value a
    parameter.
    """

    def __init__(self, row=None):
        super().__init__()
        self.row = row if row is not None else F("pk")

    def get_source_expressions(self):
        return [self.row]

    def set_source_expressions(self, exprs):
        (self.row,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.is_summary = summarize
        clone.row = self.row.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone
