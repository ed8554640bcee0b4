INSERT INTO flows (capture_id, uuid, protocol, a_addr, a_port, b_addr, b_port, ab_bytes, ba_bytes, ab_packets, ba_packets, start, last, node_tid, a_family, a_local, b_family, b_local)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
