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

`Compiled(build)` is for a query whose SQL does depend on its inputs (the roster: scope, filters,
columns, page): it keeps the SQL compiled for each key, `build(*key)` being a function of the key
alone (see the class).
"""

from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE


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


_MISSING = object()


class Compiled:
    """Querysets built from a key of plain values and from nothing else, compiled to SQL once per
    database connection and key.

    `Prepared` serves a query whose SQL never changes. A page whose query changes with its filters
    and its user's scope (the roster: scope paths, search, 在册状态, sort, columns, page) cannot use
    one sentinel; what it can do is build the queryset from a key that holds every one of those
    values, and keep the SQL compiled for each key it met. Building and compiling the roster's page
    and count took about 1 ms of the ORM where running them takes 0.4 ms.

    `build(*key)` must read nothing but its arguments: no user, no request, no clock, no database
    (an organization chosen in a filter enters the key as its pk and path). Then the same key gives
    the same SQL with the same parameters, so keeping it cannot show one user the rows of another:
    a secretary's key holds the secretary's own paths, and the SQL is run afresh on each call (the
    SQL is kept, never the rows). Kept per connection (one per thread), the newest `size` keys."""

    def __init__(self, build, size=256):
        self.build, self.size = build, size

    def _entries(self, connection):
        return connection.__dict__.setdefault("_compiled", {}).setdefault(self, OrderedDict())

    def _kept(self, connection, key):
        """The entry kept for `key` (marked the newest), or _MISSING."""
        entries = self._entries(connection)
        entry = entries.get(key, _MISSING)
        if entry is not _MISSING:
            entries.move_to_end(key)
        return entry

    def _keep(self, connection, key, entry):
        entries = self._entries(connection)
        entries[key] = entry
        if len(entries) > self.size:
            entries.popitem(last=False)
        return entry

    def rows(self, key, start=None, stop=None, using=DEFAULT_DB_ALIAS):
        """list(build(*key)[start:stop]): what its iterable class yields (model objects, values,
        tuples), read by the queryset's own compiler with the SQL kept for (key, start, stop)."""
        return self._rows(connections[using], key, start, stop)

    def _rows(self, connection, key, start, stop):
        qs = self._kept(connection, ("rows", key, start, stop))
        if qs is _MISSING:
            qs = self._keep(connection, ("rows", key, start, stop), self._compile(key, start, stop))
        if qs is None:
            return []
        return list(qs._iterable_class(qs, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE))

    def _compile(self, key, start, stop):
        qs = self.build(*key)[start:stop]
        if qs._prefetch_related_lookups:
            raise ValueError("a queryset with prefetch_related reads more than its own SQL")
        compiler = qs.query.get_compiler(qs.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # .none(): no rows whatever the data
            return None
        # The queryset's iterable class asks its query for a compiler and the compiler for its SQL:
        # both answer with what was made here; the reading is Django's own (converters and all).
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        qs.query.get_compiler = lambda *args, **kwargs: compiler
        return qs

    def count(self, key, using=DEFAULT_DB_ALIAS):
        """build(*key).count(), with the COUNT's SQL kept for the key."""
        return self._count(connections[using], key)

    def _count(self, connection, key):
        entry = self._kept(connection, ("count", key))
        if entry is _MISSING:  # counted by the ORM, its one query kept
            ran = []

            def keep(execute, sql, params, many, context):
                ran.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(keep):
                n = self.build(*key).count()
            if len(ran) > 1:
                raise ValueError(f"count() ran {len(ran)} queries, not one")
            self._keep(connection, ("count", key), ran[0] if ran else None)  # none: .none()
            return n
        if entry is None:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(*entry)
            return cursor.fetchone()[0]

    def source(self, key, using=DEFAULT_DB_ALIAS):
        """What Paginator pages through: count() and slices of build(*key), compiled as above."""
        return CompiledSource(self, key, connections[using])


class CompiledSource:
    """A Compiled key as Paginator's object_list: count() once, then one slice per page."""

    def __init__(self, compiled, key, connection):
        self.compiled, self.key, self.connection = compiled, key, connection
        self._count = None

    def count(self):
        if self._count is None:
            self._count = self.compiled._count(self.connection, self.key)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("a compiled source is read by slices: source[start:stop]")
        return self.compiled._rows(self.connection, self.key, index.start, index.stop)
