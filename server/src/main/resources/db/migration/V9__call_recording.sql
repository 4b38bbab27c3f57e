-- The recording a call's start created (or that this cluster adopted for the call): a call end
-- stops that one, never just the newest row that names the call, which any client could add.
ALTER TABLE calls ADD COLUMN recording_id VARCHAR(36);

-- Rows from before: the newest recording this cluster started itself for the call's own agent.
UPDATE calls SET recording_id = (
  SELECT r.id FROM recordings r
  WHERE r.call_id = calls.call_id AND r.agent = calls.agent AND r.adopted = FALSE
  ORDER BY r.created_at DESC LIMIT 1);
