-- Calls as heard from this cluster's call-event feed. Kept even when the agent is not connected
-- here, so a recording in progress can be adopted after a failover.
CREATE TABLE calls (
  call_id     VARCHAR(128) PRIMARY KEY,
  agent       VARCHAR(128) NOT NULL,
  started_at  BIGINT       NOT NULL,
  ended_at    BIGINT
);
CREATE INDEX calls_agent ON calls (agent);

CREATE TABLE recordings (
  id                 VARCHAR(36)   PRIMARY KEY,
  call_id            VARCHAR(128)  NOT NULL,
  agent              VARCHAR(128)  NOT NULL,
  cluster_id         VARCHAR(128)  NOT NULL,
  status             VARCHAR(16)   NOT NULL,
  failure_reason     VARCHAR(1024),
  upload_token_hash  VARCHAR(64)   NOT NULL,
  created_at         BIGINT        NOT NULL,
  updated_at         BIGINT        NOT NULL,
  -- capture times in the client's clock; add clock_offset_ms for server time
  capture_started_at BIGINT,
  capture_ended_at   BIGINT,
  clock_offset_ms    BIGINT        NOT NULL DEFAULT 0,
  segment_count      INT,
  adopted            BOOLEAN       NOT NULL DEFAULT FALSE,
  video_codec        VARCHAR(16),
  video_bytes        BIGINT,
  video_duration_ms  BIGINT
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_agent ON recordings (agent);
CREATE INDEX recordings_status ON recordings (status);

CREATE TABLE segments (
  recording_id VARCHAR(36)  NOT NULL REFERENCES recordings (id),
  idx          INT          NOT NULL,
  sha256       VARCHAR(64)  NOT NULL,
  bytes        BIGINT       NOT NULL,
  cluster_id   VARCHAR(128) NOT NULL,
  received_at  BIGINT       NOT NULL,
  PRIMARY KEY (recording_id, idx)
);
