import {isLoopback} from '@fm/model'

/**
 * True when a connection reaches its server over `lo`, which every fm ruleset accepts: to a
 * loopback address, or from a host to its own address (the kernel then picks that address as the
 * source). A same-host connection from another address (a container on a bridge reaching its
 * host) crosses a real interface and needs a rule like any other client.
 */
export function arrivesOnLoopback(c: {clientHost: string; clientIp: string; serverHost: string; serverIp: string}): boolean {
  return isLoopback(c.serverIp) || (c.clientHost === c.serverHost && c.clientIp === c.serverIp)
}
