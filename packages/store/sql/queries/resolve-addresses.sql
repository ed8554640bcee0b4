-- Which host owns each interface address: directly (host → interface), through a netns
-- (host → netns → interface), or, when the dump has no ownership edge for it, the host whose
-- agent reported the interface (its Host field).
-- CROSS JOIN fixes the join order (SQLite keeps it as written): from each address to its
-- owners by index lookups, never the whole node table per address.
INSERT INTO address_rows (capture_id, host_id, address, prefix, interface, netns, via)
SELECT DISTINCT na.capture_id, h.id, na.address, na.prefix, gn.name, NULL, 'host'
FROM node_addresses na
CROSS JOIN graph_nodes gn ON gn.capture_id = na.capture_id AND gn.node_id = na.node_id
CROSS JOIN ownership o ON o.capture_id = na.capture_id AND o.child = na.node_id
CROSS JOIN hosts h ON h.capture_id = o.capture_id AND h.node_id = o.parent
WHERE na.capture_id = :capture;

INSERT INTO address_rows (capture_id, host_id, address, prefix, interface, netns, via)
SELECT DISTINCT na.capture_id, h.id, na.address, na.prefix, gn.name, (SELECT id FROM texts WHERE text = ns.name), 'netns'
FROM node_addresses na
CROSS JOIN graph_nodes gn ON gn.capture_id = na.capture_id AND gn.node_id = na.node_id
CROSS JOIN ownership o1 ON o1.capture_id = na.capture_id AND o1.child = na.node_id
CROSS JOIN graph_nodes ns ON ns.capture_id = o1.capture_id AND ns.node_id = o1.parent AND ns.kind = 'netns'
CROSS JOIN ownership o2 ON o2.capture_id = ns.capture_id AND o2.child = ns.node_id
CROSS JOIN hosts h ON h.capture_id = o2.capture_id AND h.node_id = o2.parent
WHERE na.capture_id = :capture;

INSERT INTO address_rows (capture_id, host_id, address, prefix, interface, netns, via)
SELECT DISTINCT na.capture_id, h.id, na.address, na.prefix, gn.name, NULL, 'agent'
FROM node_addresses na
CROSS JOIN graph_nodes gn ON gn.capture_id = na.capture_id AND gn.node_id = na.node_id
CROSS JOIN hosts h ON h.capture_id = gn.capture_id AND h.name = gn.agent
WHERE na.capture_id = :capture
  AND NOT EXISTS (SELECT 1 FROM address_rows a WHERE a.capture_id = na.capture_id AND a.address = na.address AND a.host_id = h.id AND a.interface = gn.name);
