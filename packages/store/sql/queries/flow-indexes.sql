-- Built when flows are matched (FlowStore.startCapture; loading, and an analysis without flows, are faster without them).
CREATE INDEX IF NOT EXISTS node_tids_tid ON node_tids (capture_id, tid);
CREATE INDEX IF NOT EXISTS flows_capture ON flows (capture_id);
CREATE INDEX IF NOT EXISTS flow_connections_capture ON flow_connections (capture_id);
