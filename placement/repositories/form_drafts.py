"""Forms kept over a new sign-in (web_form_draft, migration V125): see placement/web/drafts.py.

A draft belongs to no municipality (the browser had no session to name one); it is found only by
the SHA-256 of its random id together with that of the browser's cookie and the form's path, is
short-lived, and is handed back once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from placement.database.pool import Connection


class FormDraftRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def keep(
        self, *, id_sha256: bytes, browser_sha256: bytes, path: str, form: dict[str, str], valid: dt.timedelta
    ) -> None:
        """Keep ``form`` for the form at ``path``; drafts older than ``valid`` are deleted on the way."""
        await self.conn.execute("DELETE FROM web_form_draft WHERE created_at <= now() - $1::interval", valid)
        await self.conn.execute(
            """INSERT INTO web_form_draft (id_sha256, browser_sha256, path, form)
               VALUES ($1, $2, $3, $4::jsonb)""",
            id_sha256,
            browser_sha256,
            path,
            form,
        )

    async def take(
        self, *, id_sha256: bytes, browser_sha256: bytes, path: str, valid: dt.timedelta
    ) -> dict[str, Any] | None:
        """The draft, deleted as it is read (used once); None if there is none for this browser and
        form, or it is older than ``valid``."""
        form = await self.conn.fetchval(
            """DELETE FROM web_form_draft
                WHERE id_sha256 = $1 AND browser_sha256 = $2 AND path = $3
                  AND created_at > now() - $4::interval
            RETURNING form""",
            id_sha256,
            browser_sha256,
            path,
            valid,
        )
        return form if isinstance(form, dict) else None
