-- Unmatched client sockets in the matrix's order: by socket key (fm_socket_key is socketKey of
-- @fm/model, and SQLite's BINARY order is cmp's code-point order), then reason, then load order.
-- Sorted here, a list of any length streams out in bounded memory.
SELECT h.name AS host, u.reason AS reason,
  c.protocol, c.local_addr AS localAddress, c.local_port AS localPort, c.remote_addr AS remoteAddress,
  c.remote_port AS remotePort, c.state, c.process, c.pid, c.name,
  fm_socket_key(h.name, c.protocol, c.local_addr, c.local_port, c.remote_addr, c.remote_port, c.pid) AS key
FROM unmatched u
CROSS JOIN sockets c ON c.id = u.client_id
CROSS JOIN hosts h ON h.id = c.host_id
ORDER BY key, reason, u.client_id;
