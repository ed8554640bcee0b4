-- Every candidate of every ambiguous client, with the socket keys of the client, the chosen
-- server and the candidate, ordered by client key (then client, then candidate key): one
-- client's rows are contiguous, and the list streams out in the matrix's order.
-- Driven from ambiguity_candidates: each row finds its match by primary key.
SELECT ac.client_id AS clientId, m.resolved_by AS resolvedBy,
  fm_socket_key(hc.name, c.protocol, c.local_addr, c.local_port, c.remote_addr, c.remote_port, c.pid) AS client,
  fm_socket_key(hs.name, s.protocol, s.local_addr, s.local_port, s.remote_addr, s.remote_port, s.pid) AS chosen,
  fm_socket_key(hx.name, x.protocol, x.local_addr, x.local_port, x.remote_addr, x.remote_port, x.pid) AS candidate
FROM ambiguity_candidates ac
CROSS JOIN matches m ON m.client_id = ac.client_id
CROSS JOIN sockets c ON c.id = ac.client_id
CROSS JOIN hosts hc ON hc.id = c.host_id
CROSS JOIN sockets s ON s.id = m.server_id
CROSS JOIN hosts hs ON hs.id = s.host_id
CROSS JOIN sockets x ON x.id = ac.server_id
CROSS JOIN hosts hx ON hx.id = x.host_id
ORDER BY client, ac.client_id, candidate;
