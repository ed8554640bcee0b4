-- Built when flows are matched (FlowStore.startCapture), not for every analysis.
-- Flow ends are looked up among client and server sockets alike by their tuple (flow-end-sockets.sql),
-- and loopback listeners by port (flow-loopback-listeners.sql: the prefix): the matching of
-- sockets needs neither, so only an analysis with flows builds it.
CREATE INDEX IF NOT EXISTS sockets_tuple ON socket_rows (capture_id, protocol, local_port, local_addr, remote_port, remote_addr, role);
