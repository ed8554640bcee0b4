-- DESIGN rules 1 and 2. Listeners: TCP LISTEN, or UDP with no remote (wildcard address, port 0).
UPDATE sockets SET role = 'listener'
WHERE capture_id = :capture AND role IS NULL
  AND ((protocol = 'TCP' AND state = 'LISTEN')
    OR (protocol = 'UDP' AND remote_port = 0 AND remote_addr IN ('0.0.0.0', '::', '', '*')));

-- A socket whose local endpoint a listener on the same host serves is the server side of a
-- connection; any other socket with a remote endpoint is a client candidate. No global port set.
-- A listener serves its own network namespace only (netns is '' for all of a Skydive host).
UPDATE sockets SET role = CASE
    WHEN EXISTS (
      SELECT 1 FROM sockets l
      WHERE l.host_id = sockets.host_id AND l.protocol = sockets.protocol AND l.local_port = sockets.local_port
        AND l.role = 'listener' AND l.netns = sockets.netns
        AND (l.local_addr = sockets.local_addr
          OR l.local_addr = '::'
          OR (l.local_addr = '0.0.0.0' AND sockets.local_family = 4)
          OR (l.local_loop = 1 AND sockets.local_loop = 1 AND l.local_family = sockets.local_family)))
      THEN 'server'
    WHEN remote_port <> 0 AND remote_addr NOT IN ('0.0.0.0', '::', '', '*') THEN 'client'
    ELSE 'none'
  END
WHERE capture_id = :capture AND role IS NULL;
