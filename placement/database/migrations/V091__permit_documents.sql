-- V091: IVO permit certificates captured by hand (issue #18).
--
-- Why: IVO has no open data or API; placement support reads the permit off IVO's certificate
-- (tillståndsbevis) and enters it. The entry becomes a register snapshot like an imported one
-- (so check runs cite it), and the certificate itself is kept here with its SHA-256, so anyone
-- can see what the entry was read from. National data, like the register: no municipality owns a
-- permit. A captured permit asks to be read again after a policy interval (guidance, not law)
-- and whenever the holder's company data changes.

CREATE TABLE permit_document (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code    text NOT NULL,
    snapshot_id  bigint NOT NULL REFERENCES register_snapshot (id),
    file_name    text NOT NULL CHECK (btrim(file_name) <> ''),
    media_type   text NOT NULL,
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    content      bytea NOT NULL,
    captured_by  text NOT NULL,
    captured_at  timestamptz NOT NULL DEFAULT now(),
    reverify_on  date NOT NULL
);
CREATE INDEX permit_document_unit_idx ON permit_document (unit_code, captured_at);
COMMENT ON TABLE permit_document IS
    'IVO permit certificates from which a permit was captured by hand, with their hash and the snapshot they became.';

GRANT SELECT ON permit_document TO placement_service;
GRANT SELECT, INSERT ON permit_document TO placement_register;

INSERT INTO policy_default (key, value, description, source) VALUES
    ('permit_capture_reverify_days', '180',
     'Efter hur många dagar ett för hand infört tillstånd ska läsas av mot IVO:s tillståndsbevis igen',
     'Kommunens policy (vägledning); IVO har ingen öppen tjänst att jämföra mot');
