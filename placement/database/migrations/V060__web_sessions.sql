-- V060: server-side sessions of the web application, and sign-ins under way.
--
-- Why: people use the service in a browser. A session lives in the database, not in the cookie:
-- the cookie holds a random secret, the table only its SHA-256 hash, so a stolen database dump
-- cannot sign anyone in, and signing out or the idle timeout ends the session everywhere at once.
-- A session belongs to one municipality and is read under row-level security like its other data
-- (the cookie names the municipality so the tenant can be set before the lookup).
--
-- A sign-in under way (the OpenID Connect state, nonce and PKCE verifier) belongs to no
-- municipality yet: the provider has not said who the person is. It is used once (deleted when
-- the provider answers) and is short-lived.

CREATE TABLE web_session (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    secret_sha256   bytea NOT NULL CHECK (length(secret_sha256) = 32),
    method          text NOT NULL CHECK (method IN ('oidc', 'demo')),
    subject         text NOT NULL CHECK (btrim(subject) <> ''),
    display_name    text NOT NULL,
    roles           text[] NOT NULL CHECK (roles <@ ARRAY[
                        'placeringsstod', 'socialsekreterare', 'teamledare',
                        'upphandlare', 'granskare', 'administrator']::text[]),
    staff_id        uuid,
    org_unit        text,
    csrf_token      text NOT NULL CHECK (length(csrf_token) >= 32),
    id_token        text,  -- the provider's ID token, sent back as id_token_hint at sign-out
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, secret_sha256)
);
CREATE INDEX web_session_last_seen_idx ON web_session (last_seen_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON web_session TO placement_service;

SELECT enable_tenant_isolation('web_session');

CREATE TABLE web_sign_in (
    browser_sha256  bytea PRIMARY KEY CHECK (length(browser_sha256) = 32),
    issuer          text NOT NULL,  -- the identity provider chosen, and this service's client there
    client_id       text NOT NULL,
    state           text NOT NULL,
    nonce           text NOT NULL,
    code_verifier   text NOT NULL,
    next_path       text NOT NULL DEFAULT '/',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_sign_in_created_idx ON web_sign_in (created_at);

GRANT SELECT, INSERT, DELETE ON web_sign_in TO placement_service;
