"""The mail side of the account server as one feature module: tables, routes and the mail submitter.

`MODULES` in server.py lists this module; it installs messages, threads, folders, drafts and
attachments routes and makes `Delivery` the server's `ctx.mailer` (the worker starts with SMTP).
"""

from __future__ import annotations

from typing import Any

from . import delivery, drafts, folders, mail_store, messages, outgoing, threads
from .context import ServerContext
from .delivery import Delivery

SCHEMA = mail_store.SCHEMA + delivery.SCHEMA + outgoing.SCHEMA
__all__ = ["SCHEMA", "Delivery", "install"]


def install(ctx: ServerContext, router: Any) -> None:
    ctx.mailer = Delivery(ctx)
    for module in (messages, threads, folders, drafts):
        module.install(ctx, router)
