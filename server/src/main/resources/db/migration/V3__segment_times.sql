-- Capture time (client clock) at which each segment begins, read from its header on upload.
ALTER TABLE segments ADD COLUMN started_at BIGINT;
