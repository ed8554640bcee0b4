-- What a host firewall needs beyond the matrix (fm policy): per host name (over every capture),
-- the addresses it owns and its listeners; one row per fact, sorted by host. Addresses of every
-- namespace the host holds are included (fm's collector reports the host's own namespace as a
-- netns node too): a rule naming a container's address as destination is never hit on the host's
-- input hook, where such traffic is forwarded, so including them costs nothing.
SELECT h.name AS host, 'address' AS kind, '' AS protocol, a.address AS address, 0 AS port, '' AS process, '' AS name
FROM addresses a JOIN hosts h ON h.id = a.host_id
UNION
SELECT h.name, 'listener', s.protocol, s.local_addr, s.local_port, s.process, s.name
FROM sockets s JOIN hosts h ON h.id = s.host_id
WHERE s.role = 'listener'
ORDER BY 1, 2, 3, 4, 5, 6, 7;
