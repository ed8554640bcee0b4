-- Built by Store.finishLoad after the bulk load: loading is faster without them.
-- Every lookup of matching is a point or prefix lookup on one of these: no join grows with the
-- square of the hosts, even when one address (a docker bridge, loopback) exists on all of them.
CREATE INDEX IF NOT EXISTS hosts_node ON hosts (capture_id, node_id);
CREATE INDEX IF NOT EXISTS hosts_name ON hosts (capture_id, name);
-- The mirror-tuple lookup of the exact match finds server-side sockets only, so the index holds
-- only them (a fifth of the sockets: 5,000 hosts, 356 -> 53 ms CPU to build); host_id and netns
-- make it covering: at 135,000 hosts, fetching each server socket's row from the 1.5 GB table was
-- most of that statement (15.5 s -> 4.9 s). Flow matching, which looks up clients too, builds its
-- own (flow-indexes.sql).
CREATE INDEX IF NOT EXISTS sockets_mirror ON socket_rows (capture_id, protocol, local_port, local_addr, remote_port, remote_addr, host_id, netns) WHERE role = {{role server}};
CREATE INDEX IF NOT EXISTS addresses_addr ON address_rows (capture_id, address, host_id);
CREATE INDEX IF NOT EXISTS ownership_child ON ownership (capture_id, child);
CREATE INDEX IF NOT EXISTS graph_nodes_id ON graph_nodes (capture_id, node_id);
CREATE INDEX IF NOT EXISTS node_addresses_capture ON node_addresses (capture_id);
-- Listeners of a host on a port (listener candidates, classification): only listeners are
-- looked up this way.
CREATE INDEX IF NOT EXISTS sockets_listen ON socket_rows (host_id, protocol, local_port) WHERE role = {{role listener}};
-- Matching walks the clients only: reading them through this partial index avoids fetching every
-- socket of the capture from the table (about 0.4 s of 2.4 s at 5,000 hosts).
CREATE INDEX IF NOT EXISTS sockets_clients ON socket_rows (capture_id, state) WHERE role = {{role client}};
