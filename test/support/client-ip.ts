// Client addresses for tests of limits kept per address: each test its own, so that none inherits another's count.

let address = 0;
const run = Math.floor(Math.random() * 0xffff).toString(16);

/** A client address no other test uses (IPv6, documentation range). */
export const newClientIp = () => `2001:db8:${run}:${(address++).toString(16)}::1`;
