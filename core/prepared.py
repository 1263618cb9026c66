"""Queries of a fixed shape, compiled to SQL by the ORM once per database connection.

Every page a user opens first reads the session, the user and the user's grants. Each is the same
query every time with one value changed, yet the ORM builds and compiles it again on each request:
0.3-0.7 ms apiece, where running it takes 0.03 ms. Together that was a tenth of a branch
secretary's roster page (the page the load case measures against the login page).

`Prepared(build, sentinel)` runs `build(sentinel)` once per connection, keeps the SQL the ORM
compiled for it (SQLite and PostgreSQL each get their own), and from then on runs that SQL with the
sentinel's place taken by the value asked for. Rows are turned into model instances the way the
queryset does it: the ORM's own converters, `Model.from_db`, and `select_related` objects attached
by Django's populators. What comes back is what `list(build(value))` would give (tested), and it
runs through the connection's cursor, so query counts and the debug log still see it.

Only for a queryset whose SQL does not depend on the value (a pk or a key compared for equality):
the sentinel must reach the SQL parameters unchanged, and appear there nowhere else.
"""

from django.db import connections
from django.db.models.query import get_related_populators


class _Compiled:
    __slots__ = ("sql", "params", "slots", "converters", "model", "start", "end", "attnames", "klass_info", "select")

    def __init__(self, queryset, connection, sentinel):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = [i for i, p in enumerate(self.params) if p == sentinel]
        if not self.slots:
            raise ValueError(f"the sentinel {sentinel!r} is not among the query's parameters {params!r}")
        self.select, self.klass_info = compiler.select, compiler.klass_info
        self.converters = list(compiler.get_converters([col for col, _, _ in self.select]).items())
        fields = self.klass_info["select_fields"]
        self.model, self.start, self.end = self.klass_info["model"], fields[0], fields[-1] + 1
        self.attnames = [col.target.attname for col, _, _ in self.select[self.start:self.end]]


class Prepared:
    def __init__(self, build, sentinel):
        """`build(value)`: the queryset for `value`; `sentinel`: a value of the same type that no
        real call passes (it marks the parameter's place in the compiled SQL)."""
        self.build, self.sentinel, self.db = build, sentinel, None

    def __call__(self, value):
        """The model instances `build(value)` yields, in its order."""
        if self.db is None:
            self.db = self.build(self.sentinel).db  # the router's choice (one database here)
        db = self.db
        connection = connections[db]
        # Kept on the connection object: one per thread and alias, and the converters bound to it.
        cache = connection.__dict__.setdefault("_prepared", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = _Compiled(self.build(self.sentinel), connection, self.sentinel)
        params = list(compiled.params)
        for slot in compiled.slots:
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        populators = get_related_populators(compiled.klass_info, compiled.select, db) if rows else ()
        out = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for pos, (functions, expression) in compiled.converters:
                    v = row[pos]
                    for convert in functions:
                        v = convert(v, expression, connection)
                    row[pos] = v
            obj = compiled.model.from_db(db, compiled.attnames, row[compiled.start:compiled.end])
            for populator in populators:
                populator.populate(row, obj)
            out.append(obj)
        return out
