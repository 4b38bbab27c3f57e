-- Upload tokens in their own table, one row per grant: a later grant (an adoption, a pending
-- recording taken over) adds a token and never replaces the one the original holder has. Only
-- a SHA-256 of each token is stored, so the database alone cannot be used to upload. A token
-- dies (revoked_at) when its recording leaves UPLOADING; the row stays, so a repeat of an upload
-- that is already stored can still be told from a stranger's request.
CREATE TABLE upload_tokens (
  recording_id VARCHAR(36) NOT NULL REFERENCES recordings (id),
  token_hash   VARCHAR(64) NOT NULL,
  issued_at    BIGINT      NOT NULL,
  revoked_at   BIGINT,
  PRIMARY KEY (recording_id, token_hash)
);

INSERT INTO upload_tokens (token_hash, recording_id, issued_at, revoked_at)
SELECT upload_token_hash, id, created_at,
       CASE WHEN status IN ('RECORDING', 'UPLOADING') THEN NULL ELSE updated_at END
FROM recordings;

ALTER TABLE recordings DROP COLUMN upload_token_hash;
