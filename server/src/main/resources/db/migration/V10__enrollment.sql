-- Enrollment tokens: a desktop shows one to be certified. Only a SHA-256 of each secret is
-- stored. uses_left NULL: any number of uses (the data dir's first token); expires_at NULL: none.
CREATE TABLE enrollment_tokens (
  id          VARCHAR(6)  PRIMARY KEY,
  secret_hash VARCHAR(64) NOT NULL,
  uses_left   INTEGER,
  expires_at  BIGINT,
  created_at  BIGINT      NOT NULL,
  revoked_at  BIGINT
);

-- Desktops this cluster certified (or met with a certificate of its CA issued elsewhere).
CREATE TABLE desktops (
  id                 VARCHAR(36)   PRIMARY KEY,
  machine            VARCHAR(1024) NOT NULL,
  certificate_sha256 VARCHAR(64)   NOT NULL,
  enrolled_with      VARCHAR(6),
  enrolled_at        BIGINT        NOT NULL,
  expires_at         BIGINT        NOT NULL,
  last_seen_at       BIGINT,
  revoked_at         BIGINT
);

-- Which agents each desktop has claimed: the audit of desktop identity.
CREATE TABLE desktop_agents (
  desktop_id    VARCHAR(36)  NOT NULL REFERENCES desktops (id),
  agent         VARCHAR(128) NOT NULL,
  first_seen_at BIGINT       NOT NULL,
  last_seen_at  BIGINT       NOT NULL,
  PRIMARY KEY (desktop_id, agent)
);
