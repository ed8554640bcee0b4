-- What a host firewall must keep beyond the matrix (fm policy, fm check --policy): DESIGN rule 2's
-- server-side sockets no client socket was matched to. Their remote end is the peer, whether or
-- not a captured host owns its address (an operator's ssh session, a bastion, any outside client).
-- States as the matching counted them per capture: :anyState = 1 takes every state; :byContext = 1
-- (no states given) takes every state of a capture with a time context and :states of the others.
-- One row per peer and capture, in key order (a peer's rows are contiguous).
SELECT h.name AS host, s.protocol AS protocol, s.local_addr AS serverIp, s.local_port AS port, s.process AS process, s.name AS name,
  s.remote_addr AS peerIp, s.capture_id AS captureId, COUNT(*) AS connections
FROM socket_rows r
CROSS JOIN sockets s ON s.id = r.id
CROSS JOIN hosts h ON h.id = r.host_id
CROSS JOIN captures c ON c.id = r.capture_id
WHERE r.role = {{role server}} AND {{has-remote r}}
  AND r.id NOT IN (SELECT server_id FROM matches)
  AND (:anyState = 1 OR (:byContext = 1 AND c.time_context IS NOT NULL)
    OR r.state IN (SELECT t.id FROM json_each(:states) j JOIN texts t ON t.text = j.value))
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
