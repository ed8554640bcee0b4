-- What a host firewall needs beyond the matrix (fm policy): per host name (over every capture),
-- the addresses of its own namespace (interfaces of netns nodes carry traffic that is forwarded,
-- not delivered to the host) and its listeners. One row per fact, sorted by host.
SELECT h.name AS host, 'address' AS kind, '' AS protocol, a.address AS address, 0 AS port, '' AS process, '' AS name
FROM addresses a JOIN hosts h ON h.id = a.host_id
WHERE a.via <> 'netns'
UNION
SELECT h.name, 'listener', s.protocol, s.local_addr, s.local_port, s.process, s.name
FROM sockets s JOIN hosts h ON h.id = s.host_id
WHERE s.role = 'listener'
ORDER BY 1, 2, 3, 4, 5, 6, 7;
