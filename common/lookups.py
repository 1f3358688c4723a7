"""`field__any=[...]`: membership in a list sent as one array parameter on PostgreSQL.

`__in` sends one placeholder per value; with thousands of values per batch, building and
parsing those placeholders costs more than the query. `= ANY(%s)` sends a single array
and uses the same indexes. Other databases get the ordinary IN list.
"""

from django.db.models import CharField, Lookup, UUIDField


class AnyOf(Lookup):
    lookup_name = "any"

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(v, connection) for v in self.rhs]
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


for field in (CharField, UUIDField):
    field.register_lookup(AnyOf)
