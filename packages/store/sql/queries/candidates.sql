-- DESIGN rules 3 and 4: every server socket a client could be talking to.
-- :states is a JSON array of socket states; :anyState = 1 takes every non-listener state.
DELETE FROM temp.candidates;

-- Exact: the server-side socket whose tuple is the client's mirror image (text ids compared).
-- Loopback and link-local pairs only on the same host; loopback also within one network namespace
-- when the capture knows namespaces (0 = 0 otherwise). The owner is the host (and, when known,
-- the namespace) whose interfaces carry the address: DESIGN rule 3's first preference.
INSERT INTO temp.candidates (client_id, server_id, method, owner, server_host, same_host)
SELECT c.id, s.id, 'socket',
  EXISTS (SELECT 1 FROM address_rows a WHERE a.capture_id = c.capture_id AND a.address = c.remote_addr AND a.host_id = s.host_id AND (s.netns = {{no-netns}} OR a.netns = s.netns)),
  s.host_id, s.host_id = c.host_id
FROM socket_rows c
JOIN socket_rows s ON s.capture_id = c.capture_id AND s.protocol = c.protocol
  AND s.local_port = c.remote_port AND s.local_addr = c.remote_addr
  AND s.remote_port = c.local_port AND s.remote_addr = c.local_addr
WHERE c.capture_id = :capture AND c.role = {{role client}} AND s.role = {{role server}}
  AND (:anyState = 1 OR c.state IN (SELECT t.id FROM json_each(:states) j JOIN texts t ON t.text = j.value))
  AND ((c.remote_loop = 0 AND c.remote_ll = 0) OR (s.host_id = c.host_id AND (c.remote_loop = 0 OR s.netns = c.netns)));

-- Listener: no server-side socket visible, but a listener serving the address exists on a host
-- that owns it (for loopback: the client's own host), in the namespace that owns it when known.
-- Two branches instead of an OR over all hosts, so each client looks up only its own host or the
-- owners of its remote address.
INSERT INTO temp.candidates (client_id, server_id, method, owner, server_host, same_host)
SELECT c.id, l.id, 'listener', 1, l.host_id, l.host_id = c.host_id
FROM socket_rows c
CROSS JOIN socket_rows l ON l.host_id = c.host_id AND l.protocol = c.protocol AND l.local_port = c.remote_port AND l.role = {{role listener}} AND l.netns = c.netns
  AND {{serves l c.remote}}
WHERE c.capture_id = :capture AND c.role = {{role client}} AND c.remote_loop = 1
  AND (:anyState = 1 OR c.state IN (SELECT t.id FROM json_each(:states) j JOIN texts t ON t.text = j.value))
  AND NOT EXISTS (SELECT 1 FROM temp.candidates x WHERE x.client_id = c.id)
UNION
SELECT c.id, l.id, 'listener', 1, l.host_id, l.host_id = c.host_id
FROM socket_rows c
CROSS JOIN address_rows a ON a.capture_id = c.capture_id AND a.address = c.remote_addr
  AND ((c.remote_loop = 0 AND c.remote_ll = 0) OR a.host_id = c.host_id)
CROSS JOIN socket_rows l ON l.host_id = a.host_id AND l.protocol = c.protocol AND l.local_port = c.remote_port AND l.role = {{role listener}}
  AND (l.netns = {{no-netns}} OR l.netns = a.netns) AND (c.remote_loop = 0 OR l.netns = c.netns)
  AND {{serves l c.remote}}
WHERE c.capture_id = :capture AND c.role = {{role client}}
  AND (:anyState = 1 OR c.state IN (SELECT t.id FROM json_each(:states) j JOIN texts t ON t.text = j.value))
  AND NOT EXISTS (SELECT 1 FROM temp.candidates x WHERE x.client_id = c.id);
