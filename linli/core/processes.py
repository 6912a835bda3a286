"""Worker processes that do not fork this one (Python warns, since 3.12, that a fork of
a process with threads may deadlock: a web server's, the browser tests' live server's
threads may hold a lock the child would wait on for ever).

`forkserver()`: multiprocessing's fork server is a fresh, single-threaded interpreter
that imports `linli.core.django_setup` once (Django set up, apps loaded); each process
is forked from it, so it unpickles model instances and reads settings without setting
Django up again. It inherits no database connection from the caller: it must not use
the database (it has none open, and the caller's transaction is not its own).
"""

import multiprocessing
from multiprocessing.context import ForkServerContext


def forkserver() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, ForkServerContext)
    context.set_forkserver_preload(["linli.core.django_setup"])
    return context
