// Per-connection bridge that QEMU's slirp spawns for `guestfwd=...-cmd:node fwd.cjs PORT`:
// the guest's TCP stream arrives on stdin/stdout and is piped to 127.0.0.1:PORT on the host.
// With restrict=on this is the only way out of the guest.
const s = require('node:net').connect(+process.argv[2], '127.0.0.1');
process.stdin.pipe(s);
s.pipe(process.stdout);
s.on('close', () => process.exit(0));
s.on('error', () => process.exit(1));
process.stdin.on('end', () => s.end());
