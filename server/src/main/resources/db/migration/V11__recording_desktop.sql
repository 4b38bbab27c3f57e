-- The enrolled desktop a recording was issued to (START, adoption or upload grant); NULL on a
-- plaintext control port, where no desktop proves who it is.
ALTER TABLE recordings ADD COLUMN desktop_id VARCHAR(36);
