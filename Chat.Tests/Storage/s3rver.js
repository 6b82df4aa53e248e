// A real S3-compatible server (s3rver) for the file storage tests, on loopback, its objects in the folder given as the first
// argument; it creates the bucket named by the second. Prints "listening http://127.0.0.1:PORT" once it answers.
// Credentials: access key S3RVER, secret key S3RVER (s3rver checks the signatures).
'use strict';
const S3rver = require('s3rver');

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then(
    ({ address, port }) => console.log(`listening http://${address}:${port}`),
    error => { console.error(error); process.exit(1); });
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
