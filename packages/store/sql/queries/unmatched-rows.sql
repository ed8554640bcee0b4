SELECT h.name AS host, u.reason AS reason,
  c.protocol, c.local_addr AS localAddress, c.local_port AS localPort, c.remote_addr AS remoteAddress,
  c.remote_port AS remotePort, c.state, c.process, c.pid, c.name
FROM unmatched u JOIN sockets c ON c.id = u.client_id JOIN hosts h ON h.id = c.host_id;
