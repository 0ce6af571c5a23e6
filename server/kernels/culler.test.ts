import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cullDetail, cullStep, nextCull, type TCullClock } from './culler';

const T0 = new Date('2026-12-05T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const clock = (over: Partial<TCullClock> = {}): TCullClock => ({
  idle: true,
  lastActivityAt: T0,
  noClientSince: null,
  idleTimeoutS: 3600,
  noClientTimeoutS: 600,
  ...over,
});
const LEAD_S = 300;

describe('nextCull', () => {
  it('culls a connected kernel by its idle timeout, counted from its last activity', () => {
    const plan = nextCull(clock());
    assert.deepEqual([plan?.cause, plan?.cullAt], ['idle', at(3600)]);
  });

  it('culls a kernel without clients by the no-client timeout, counted from when the last one left', () => {
    const plan = nextCull(clock({ noClientSince: at(100) }));
    assert.deepEqual([plan?.cause, plan?.cullAt], ['no-client', at(700)]);
  });

  it('takes whichever timeout comes first', () => {
    const plan = nextCull(clock({ lastActivityAt: T0, noClientSince: at(3500), idleTimeoutS: 3600 }));
    assert.deepEqual([plan?.cause, plan?.cullAt], ['idle', at(3600)]);
  });

  it('never culls a busy kernel', () => {
    assert.equal(nextCull(clock({ idle: false, noClientSince: T0 })), null);
  });
});

describe('cullStep', () => {
  it('warns the lead time ahead, then culls at the deadline', () => {
    const c = clock({ noClientSince: T0 });
    assert.equal(cullStep(c, at(299), LEAD_S, null).action, 'none');
    const warn = cullStep(c, at(300), LEAD_S, null);
    assert.equal(warn.action, 'warn');
    assert.ok(warn.action === 'warn');
    assert.deepEqual([warn.plan.cause, warn.plan.cullAt], ['no-client', at(600)]);
    assert.equal(cullStep(c, at(599), LEAD_S, warn.plan.period).action, 'none', 'announced, not yet due');
    const cull = cullStep(c, at(600), LEAD_S, warn.plan.period);
    assert.deepEqual([cull.action, cull.action === 'cull' && cull.plan.cause], ['cull', 'no-client']);
  });

  it('never warns twice in one quiet period, and warns again after new activity', () => {
    const c = clock({ idleTimeoutS: 1200 });
    const first = cullStep(c, at(900), LEAD_S, null);
    assert.ok(first.action === 'warn');
    assert.equal(cullStep(c, at(950), LEAD_S, first.plan.period).action, 'none');
    const kept = clock({ idleTimeoutS: 1200, lastActivityAt: at(1000) });
    assert.equal(cullStep(kept, at(1100), LEAD_S, first.plan.period).action, 'none', 'the clock was reset: nothing due');
    const again = cullStep(kept, at(1900), LEAD_S, first.plan.period);
    assert.deepEqual([again.action, again.action === 'warn' && again.plan.cullAt], ['warn', at(2200)]);
  });

  it('warns at most half the timeout ahead', () => {
    const c = clock({ noClientSince: T0, noClientTimeoutS: 4 });
    assert.equal(cullStep(c, at(1.9), LEAD_S, null).action, 'none');
    assert.equal(cullStep(c, at(2), LEAD_S, null).action, 'warn');
  });

  it('warns before it culls even when the warning pass was missed', () => {
    const c = clock({ noClientSince: T0 });
    const late = cullStep(c, at(10_000), LEAD_S, null);
    assert.equal(late.action, 'warn');
    assert.ok(late.action === 'warn');
    assert.equal(cullStep(c, at(10_030), LEAD_S, late.plan.period).action, 'cull');
  });

  it('does not carry a warning from one cause over to the other', () => {
    const c = clock({ noClientSince: at(100) });
    const idleWarned = `idle:${T0.getTime()}`;
    assert.equal(cullStep(c, at(700), LEAD_S, idleWarned).action, 'warn');
  });
});

describe('cullDetail', () => {
  it('says which timeout stopped the kernel', () => {
    assert.equal(cullDetail('idle', clock()), "Stopped after 60 min without activity (the environment's idle timeout); the notebook is unchanged.");
    assert.equal(
      cullDetail('no-client', clock()),
      "No notebook or client was connected for 10 min (the environment's no-client timeout), so the kernel was stopped; the notebook is unchanged.",
    );
    assert.match(cullDetail('no-client', clock({ noClientTimeoutS: 3 })), /connected for 3 s /);
  });
});
