-- V125: a form sent after the session had ended, kept for the person to send again.
--
-- Why: a social worker fills in "Registrera besök" during a home visit; meanwhile the session ends
-- (the idle timeout, or signing out in another tab). The form cannot be accepted without a live
-- session and its CSRF token, but what was typed must not be lost. The posted values (never the
-- token) are kept here under the SHA-256 of a random id that goes in the address, and of a random
-- value in a cookie of the browser that sent it: only that browser, with that id, gets them back,
-- once, on the same form, after signing in again; the person then checks them and sends the
-- form themselves with the new session's token. Nothing is written to the child's file until then.
--
-- Like a sign-in under way (web_sign_in), a draft belongs to no municipality yet: the browser has
-- no session to name one. It is short-lived (the service deletes drafts older than 30 minutes) and
-- only shown inside the form's own page, after that page's access check for the signed-in person.

CREATE TABLE web_form_draft (
    id_sha256       bytea PRIMARY KEY CHECK (length(id_sha256) = 32),
    browser_sha256  bytea NOT NULL CHECK (length(browser_sha256) = 32),
    path            text NOT NULL CHECK (path LIKE '/%'),
    form            jsonb NOT NULL CHECK (jsonb_typeof(form) = 'object'),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_form_draft_created_idx ON web_form_draft (created_at);

GRANT SELECT, INSERT, DELETE ON web_form_draft TO placement_service;
