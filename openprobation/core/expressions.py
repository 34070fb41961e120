"""A base for SQL written by hand about each row of the outer query."""

from django.db.models import Expression, F


class AboutOuterRow(Expression):
    """An expression whose SQL is written by hand and refers to one column of the outer query's row, its primary
    key unless told otherwise (``row``).

    The hot read paths use these where the ORM would build and compile a correlated subquery anew on every
    request (see ``access.case.LimitedAccessTest`` and ``people.search.MainTown``). A subclass writes
    ``sql_about(row_sql, row_params, connection)``: the SQL about the row whose column is ``row_sql``. It must
    quote only names from model metadata and pass every value as a parameter. Inside a queryset, ``as_sql``
    compiles ``self.row`` to get that column; a statement written by hand passes its own (``search``'s CRN
    lookup does).
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

    def as_sql(self, compiler, connection):
        row_sql, row_params = compiler.compile(self.row)
        return self.sql_about(row_sql, list(row_params), connection)

    def sql_about(self, row_sql: str, row_params: list, connection) -> tuple[str, list]:
        raise NotImplementedError
