import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alternate, peerFigures, type TPeer, type TScenarioRow } from './scenario';
import { formatTable } from './table';

const peers = [
  { id: 'enterprise-gateway', label: 'Enterprise Gateway 3.3.0' },
  { id: 'jupyter-server', label: 'jupyter_server 2.21.1' },
] as const satisfies readonly Pick<TPeer, 'id' | 'label'>[];

const row: TScenarioRow = {
  id: 'kernel-start-cold',
  scenario: 'kernel start, cold',
  unit: 'ms',
  floor: 400,
  gateway: 420,
  ratio: 1.05,
  peers: { 'enterprise-gateway': 300 },
  target: '≤ floor + 30 ms',
  pass: true,
  note: 'median of 5',
};

test('the table has a column per peer with its figure and its ratio to the floor, — where it was not measured', () => {
  const [header, , line] = formatTable([row], { gatewayLabel: 'Lattice', peers }).split('\n');
  assert.equal(header, '| scenario | floor (direct ZeroMQ) | Lattice | ratio | Enterprise Gateway 3.3.0 | jupyter_server 2.21.1 | target | result | notes |');
  assert.equal(line, '| kernel start, cold | 400 ms | 420 ms | 1.05× | 300 ms (0.75×) | — | ≤ floor + 30 ms | pass | median of 5 |');
});

test('without a floor a peer gets its figure alone; without peers the table is the gateway-only one', () => {
  const rss = { ...row, unit: 'MB', floor: null, ratio: null, peers: { 'enterprise-gateway': 84.5, 'jupyter-server': 71.25 } };
  assert.match(formatTable([rss], { peers }).split('\n')[2], /\| 84\.500 MB \| 71\.250 MB \|/);
  assert.equal(formatTable([row]).split('\n')[0], '| scenario | floor (direct ZeroMQ) | gateway | ratio | target | result | notes |');
});

test('alternate runs every side once per round, rotating which goes first', async () => {
  const calls: string[] = [];
  const side = (name: string) => async () => {
    calls.push(name);
    return `${name}${calls.length}`;
  };
  const runs = await alternate(3, { floor: side('f'), gateway: side('g'), 'jupyter-server': side('j') });
  assert.deepEqual(calls, ['f', 'g', 'j', 'g', 'j', 'f', 'j', 'f', 'g']);
  assert.deepEqual(runs, { floor: ['f1', 'f6', 'f8'], gateway: ['g2', 'g4', 'g9'], 'jupyter-server': ['j3', 'j5', 'j7'] });
});

test('peerFigures: one figure per peer, null for a peer without runs', () => {
  const figures = peerFigures(peers, { 'enterprise-gateway': [3, 1, 2] }, (r) => Math.max(...r));
  assert.deepEqual(figures, { 'enterprise-gateway': 3, 'jupyter-server': null });
});
