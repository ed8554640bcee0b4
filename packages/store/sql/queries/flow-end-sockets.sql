-- The non-listener sockets holding either end of each flow of a capture (the socket's local
-- endpoint is that end), with the server socket matching gave a client socket. CROSS JOIN keeps
-- flows as the outer loop, so each flow is one lookup in the sockets_mirror index.
SELECT f.id AS flowId, 'a' AS "end", s.id AS socketId, s.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId,
  s.pid, s.role, s.state,
  EXISTS (SELECT 1 FROM addresses ad WHERE ad.capture_id = s.capture_id AND ad.address = s.local_addr AND ad.host_id = s.host_id) AS owner,
  m.server_id AS matchServerId, ms.host_id AS matchServerHostId, m.method AS matchMethod
FROM flows f
CROSS JOIN sockets s ON s.capture_id = f.capture_id AND s.protocol = f.protocol
  AND s.local_port = f.a_port AND s.local_addr = f.a_addr AND s.remote_port = f.b_port AND s.remote_addr = f.b_addr
JOIN hosts h ON h.id = s.host_id
LEFT JOIN matches m ON m.client_id = s.id
LEFT JOIN sockets ms ON ms.id = m.server_id
WHERE f.capture_id = :capture AND s.role IN ('client', 'server')
UNION ALL
SELECT f.id, 'b', s.id, s.host_id, h.name, h.node_id, s.pid, s.role, s.state,
  EXISTS (SELECT 1 FROM addresses ad WHERE ad.capture_id = s.capture_id AND ad.address = s.local_addr AND ad.host_id = s.host_id),
  m.server_id, ms.host_id, m.method
FROM flows f
CROSS JOIN sockets s ON s.capture_id = f.capture_id AND s.protocol = f.protocol
  AND s.local_port = f.b_port AND s.local_addr = f.b_addr AND s.remote_port = f.a_port AND s.remote_addr = f.a_addr
JOIN hosts h ON h.id = s.host_id
LEFT JOIN matches m ON m.client_id = s.id
LEFT JOIN sockets ms ON ms.id = m.server_id
WHERE f.capture_id = :capture AND s.role IN ('client', 'server');
