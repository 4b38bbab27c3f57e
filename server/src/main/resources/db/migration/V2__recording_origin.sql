-- The cluster that started a recording, when this cluster took it over (failover) from another.
ALTER TABLE recordings ADD COLUMN origin_cluster_id VARCHAR(128);
