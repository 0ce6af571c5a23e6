import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterConnect, jupyterConnectShell } from './jupyter-connect';

test('the token goes in the environment, the gateway URL on the command line', () => {
  assert.deepEqual(jupyterConnect('http://lattice.example:8888', 'lat_abc'), { env: { JUPYTER_GATEWAY_AUTH_TOKEN: 'lat_abc' }, args: ['--gateway-url=http://lattice.example:8888'] });
  assert.equal(
    jupyterConnectShell('lab', 'http://lattice.example:8888', 'lat_abc'),
    "export JUPYTER_GATEWAY_AUTH_TOKEN='lat_abc'\njupyter lab --gateway-url=http://lattice.example:8888",
  );
  assert.match(jupyterConnectShell('server', 'https://gw', 't'), /\njupyter server --gateway-url=https:\/\/gw$/);
});
