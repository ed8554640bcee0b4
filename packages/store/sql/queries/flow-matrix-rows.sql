-- Every connection flows told something about, keyed and ordered like matrix-rows.sql (so the
-- matrix merges both streams in bounded memory: mergeFlowStream); an unknown process is ''.
SELECT fc.protocol AS protocol,
  hs.name AS serverHost, fc.server_addr AS serverIp, fc.server_port AS port, COALESCE(s.process, '') AS serverProc, COALESCE(s.name, '') AS serverName,
  hc.name AS clientHost, fc.client_addr AS clientIp, COALESCE(c.process, '') AS clientProc, COALESCE(c.name, '') AS clientName,
  fc.kind AS kind, fc.method AS method, fc.capture_id AS captureId,
  fc.client_port AS clientPort, COALESCE(c.pid, 0) AS clientPid,
  COALESCE(s.local_addr, fc.server_addr) AS sLocalAddr, COALESCE(s.local_port, fc.server_port) AS sLocalPort,
  COALESCE(s.remote_addr, fc.client_addr) AS sRemoteAddr, COALESCE(s.remote_port, fc.client_port) AS sRemotePort, COALESCE(s.pid, 0) AS serverPid,
  fc.bytes_to_server AS bytesToServer, fc.bytes_to_client AS bytesToClient,
  fc.packets_to_server AS packetsToServer, fc.packets_to_client AS packetsToClient, fc.first_seen AS first, fc.last_seen AS last
FROM flow_connections fc
JOIN hosts hc ON hc.id = fc.client_host_id
JOIN hosts hs ON hs.id = fc.server_host_id
LEFT JOIN sockets c ON c.id = fc.client_id
LEFT JOIN sockets s ON s.id = fc.server_id
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, fc.id;
