/**
 * uv's cache for the software builds tests run: outside the tests' temporary data directories so
 * that wheels are downloaded once per machine, not once per test (as ~/.cache keeps the cluster
 * binaries). Not under ~/.cache: builds run as the sandbox's builder uid, which cannot traverse
 * /root. The gateway makes it and gives it to that uid.
 */
export const SOFTWARE_TEST_CACHE = '/var/cache/lattice-test-software';
