-- Every match with its entry key, ordered so that one entry's rows are contiguous.
-- CROSS JOIN keeps the order as written: from each match to its sockets and hosts by rowid
-- (left to itself, SQLite walked every socket and looked its match up).
SELECT c.protocol AS protocol,
  hs.name AS serverHost, c.remote_addr AS serverIp, c.remote_port AS port, s.process AS serverProc, s.name AS serverName,
  hc.name AS clientHost, c.local_addr AS clientIp, c.process AS clientProc, c.name AS clientName,
  m.method AS method, c.capture_id AS captureId,
  c.local_port AS clientPort, c.pid AS clientPid,
  s.local_addr AS sLocalAddr, s.local_port AS sLocalPort, s.remote_addr AS sRemoteAddr, s.remote_port AS sRemotePort, s.pid AS serverPid
FROM matches m
CROSS JOIN sockets c ON c.id = m.client_id
CROSS JOIN sockets s ON s.id = m.server_id
CROSS JOIN hosts hc ON hc.id = c.host_id
CROSS JOIN hosts hs ON hs.id = s.host_id
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
