/**
 * `npm run bench:lists [-- --reps=15] [-- --users=10000] [-- --projects=10000]`: every list page
 * and list API at 10,000 users and 10,000 projects with 4 notebooks each (issue 14 §3), against
 * the budget of 300 ms server time and 300 KB per answer. Seeds with one `insert … select
 * generate_series` per table (each seeded user owns one project; a member sees every 50th
 * project; the admin sees all), then for each URL: 3 warm-up requests, `--reps` timed ones;
 * the median time from request to the last byte read (same machine, so that is server time)
 * and the answer's size uncompressed. The floor is `GET /api/me` on the same server: a signed-in
 * route that reads one row, i.e. what any request costs before a list is read.
 * Then each list page in Chromium as the issue measured it (7.9 s and 461,000 DOM nodes for
 * /admin/quotas at 5,000 users): median time to the load event over `--page-reps` loads, and
 * the DOM's element count.
 * Two tables, then results/list-scale.json and the "Lists at scale" section of bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { BrowserContext } from 'playwright-core';
import { createAccount, signIn, webFetch, webOk, type TCookieJar } from '../tests/helpers/web-session';
import { startTestPlatform, type TTestPlatform } from '../tests/helpers/test-platform';
import { testPython } from '../tests/helpers/python';
import { describeMachine, replaceReadmeSection } from './report';
import { median } from './stats';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '15' },
    'page-reps': { type: 'string', default: '5' },
    users: { type: 'string', default: '10000' },
    projects: { type: 'string', default: '10000' },
  },
});
const reps = Number(args.reps);
const pageReps = Number(args['page-reps']);
const userCount = Number(args.users);
const projectCount = Number(args.projects);
for (const [name, n] of [['reps', reps], ['page-reps', pageReps], ['users', userCount], ['projects', projectCount]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive whole number`);
}
const NOTEBOOKS_PER_PROJECT = 4;
const WARM_UP = 3;
const TIME_BUDGET_MS = 300;
const BYTES_BUDGET = 300 * 1024;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-lists-admin-password' };
const MEMBER = { email: 'bench-member@example.com', password: 'bench-lists-member-password' };

const began = performance.now();
const log = (line: string) => console.log(`[bench:lists ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const machine = describeMachine(testPython());

interface TMeasured {
  label: string;
  path: string;
  who: 'admin' | 'member';
  medianMs: number;
  p95Ms: number;
  bytes: number;
  status: number;
  samplesMs: number[];
}

/** Fills the database in one statement per table: at this scale 10,000 API calls would take longer than the whole measurement. */
async function seed(tp: TTestPlatform, memberId: string): Promise<void> {
  const db = tp.db.db;
  await db.execute(sql`
    insert into users (email, name, password_hash, role)
    select 'bench-' || g || '@example.com', 'Bench user ' || lpad(g::text, 5, '0'), 'x', 'member' from generate_series(1, ${userCount}) g`);
  await db.execute(sql`
    insert into projects (name, slug, description)
    select 'Bench project ' || lpad(g::text, 5, '0'), 'bench-project-' || g, 'Seeded for bench:lists' from generate_series(1, ${projectCount}) g`);
  await db.execute(sql`
    insert into project_members (project_id, user_id, role)
    select p.id, u.id, 'owner'
    from (select id, row_number() over (order by slug) rn from projects where slug like 'bench-project-%') p
    join (select id, row_number() over (order by email) rn from users where email like 'bench-%@example.com' and email <> ${MEMBER.email}) u using (rn)`);
  await db.execute(sql`
    insert into project_members (project_id, user_id, role)
    select id, ${memberId}::uuid, 'viewer' from projects where slug like 'bench-project-%' and substring(slug from 15)::int % 50 = 0`);
  await db.execute(sql`
    insert into notebooks (project_id, name, content)
    select p.id, 'Notebook ' || n, '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}'::jsonb
    from projects p cross join generate_series(1, ${NOTEBOOKS_PER_PROJECT}) n where p.slug like 'bench-project-%'`);
  await db.execute(sql`analyze`);
}

async function measure(web: string, jars: Record<'admin' | 'member', TCookieJar>, label: string, path: string, who: 'admin' | 'member' = 'admin'): Promise<TMeasured> {
  const once = async () => {
    const start = performance.now();
    const res = await webFetch(web, jars[who], path, { keepCookies: false });
    const ms = performance.now() - start;
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    return { ms, status: res.status, bytes: Buffer.byteLength(text) };
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await once());
  const samplesMs = runs.map((r) => r.ms);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const result = {
    label,
    path,
    who,
    medianMs: median(samplesMs),
    p95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)],
    bytes: runs[runs.length - 1].bytes,
    status: runs[runs.length - 1].status,
    samplesMs,
  };
  log(`${label.padEnd(46)} ${result.medianMs.toFixed(1).padStart(7)} ms  ${(result.bytes / 1024).toFixed(1).padStart(7)} KB  ${result.status}`);
  return result;
}

interface TPageLoad {
  label: string;
  path: string;
  loadMedianMs: number;
  domElements: number;
  samplesMs: number[];
}

/** Loads `path` in Chromium `pageReps` times (after one warm-up): navigation start to the load event, and the DOM's size. */
async function loadInChromium(context: BrowserContext, web: string, label: string, path: string): Promise<TPageLoad> {
  const page = await context.newPage();
  try {
    const once = async () => {
      await page.goto(`${web}${path}`, { waitUntil: 'load' });
      return (await page.evaluate(
        "({ ms: performance.getEntriesByType('navigation')[0].loadEventEnd, elements: document.getElementsByTagName('*').length })",
      )) as { ms: number; elements: number };
    };
    await once();
    const runs = [];
    for (let i = 0; i < pageReps; i++) runs.push(await once());
    const samplesMs = runs.map((r) => r.ms);
    const result = { label, path, loadMedianMs: median(samplesMs), domElements: runs[runs.length - 1].elements, samplesMs };
    log(`${`Chromium ${label}`.padEnd(46)} ${result.loadMedianMs.toFixed(1).padStart(7)} ms  ${String(result.domElements).padStart(7)} elements`);
    return result;
  } finally {
    await page.close();
  }
}

function pageTable(loads: TPageLoad[]): string {
  const header = ['page (admin, Chromium)', 'load event, median', 'DOM elements'];
  const lines = loads.map((l) => [`${l.label} \`${l.path.replace(/cursor=[^&]+/, 'cursor=…')}\``, `${l.loadMedianMs.toFixed(0)} ms`, l.domElements.toLocaleString('en')]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function table(rows: TMeasured[], floor: TMeasured): string {
  const header = ['list', 'as', 'median', 'p95', 'size', 'floor (GET /api/me)', 'budget', 'result'];
  const lines = rows.map((r) => {
    const ok = r.status === 200 && r.medianMs < TIME_BUDGET_MS && r.bytes < BYTES_BUDGET;
    return [
      `${r.label} \`${r.path.replace(/cursor=[^&]+/, 'cursor=…')}\``,
      r.who,
      `${r.medianMs.toFixed(1)} ms`,
      `${r.p95Ms.toFixed(1)} ms`,
      `${(r.bytes / 1024).toFixed(1)} KB`,
      `${floor.medianMs.toFixed(1)} ms`,
      `< ${TIME_BUDGET_MS} ms, < ${BYTES_BUDGET / 1024} KB`,
      r.status !== 200 ? `ERROR ${r.status}` : ok ? 'PASS' : 'MISS',
    ];
  });
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

let tp: TTestPlatform | null = null;
process.once('SIGINT', () => void (tp?.close() ?? Promise.resolve()).finally(() => process.exit(130)));

let rows: TMeasured[] = [];
const loads: TPageLoad[] = [];
let floor: TMeasured;
try {
  tp = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-bench-lists-', browser: true });
  const web = tp.platform.webUrl;
  const admin = await signIn(web, ADMIN);
  const member = await createAccount(web, admin.cookies, { ...MEMBER, name: 'Bench member' });
  const memberId = ((await webOk(web, member.cookies, 'GET', '/api/me')) as { id: string }).id;
  const seedStart = performance.now();
  await seed(tp, memberId);
  log(`seeded ${userCount} users, ${projectCount} projects, ${projectCount * NOTEBOOKS_PER_PROJECT} notebooks in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const jars = { admin: admin.cookies, member: member.cookies };

  const next = async (api: string) => {
    const body = await webOk(web, jars.admin, 'GET', api);
    if (!body.nextCursor) throw new Error(`${api} has no second page`);
    return encodeURIComponent(body.nextCursor as string);
  };
  const projectsCursor = await next('/api/projects');
  const usersCursor = await next('/api/users');
  const quotasCursor = await next('/api/admin/quotas');
  const [sample] = (await webOk(web, jars.admin, 'GET', '/api/projects?q=bench-project-777&limit=1')).items;

  floor = await measure(web, jars, 'floor', '/api/me');
  const plan: Array<[string, string, ('admin' | 'member')?]> = [
    ['/projects, first page', '/projects'],
    ['/projects, searched', '/projects?q=project%200777'],
    ['/projects, second page', `/projects?cursor=${projectsCursor}`],
    ['/projects, newest first', '/projects?sort=created&order=desc'],
    ['/projects as a member', '/projects', 'member'],
    ['/admin/users, first page', '/admin/users'],
    ['/admin/users, searched', '/admin/users?q=user%2004'],
    ['/admin/users, second page', `/admin/users?cursor=${usersCursor}`],
    ['/admin/quotas, first page', '/admin/quotas'],
    ['/admin/quotas, searched', '/admin/quotas?q=bench-77'],
    ['/admin/quotas, second page', `/admin/quotas?cursor=${quotasCursor}`],
    ['/admin/quotas, projects', '/admin/quotas?kind=project'],
    ['project page', `/projects/${sample.id}`],
    ['GET /api/projects', '/api/projects'],
    ['GET /api/projects, searched', '/api/projects?q=project%200777'],
    ['GET /api/projects, second page', `/api/projects?cursor=${projectsCursor}`],
    ['GET /api/projects as a member', '/api/projects', 'member'],
    ['GET /api/users', '/api/users'],
    ['GET /api/users, searched', '/api/users?q=user%2004'],
    ['GET /api/users, second page', `/api/users?cursor=${usersCursor}`],
    ['GET /api/admin/quotas', '/api/admin/quotas'],
    ['GET /api/admin/quotas, searched', '/api/admin/quotas?q=bench-77'],
    ['GET /api/admin/quotas, second page', `/api/admin/quotas?cursor=${quotasCursor}`],
    ['GET /api/admin/quotas, projects', '/api/admin/quotas?kind=project'],
    ['GET /api/projects/:id/notebooks', `/api/projects/${sample.id}/notebooks`],
  ];
  for (const [label, url, who] of plan) rows.push(await measure(web, jars, label, url, who));

  const context = await tp.browser!.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([...jars.admin].map(([name, value]) => ({ name, value, url: web })));
  for (const [label, url, who] of plan) {
    if (!url.startsWith('/api/') && who !== 'member') loads.push(await loadInChromium(context, web, label, url));
  }
  await context.close();
} finally {
  await tp?.close();
}

const seconds = (performance.now() - began) / 1000;
machine.load.end = os.loadavg()[0];
const out = `${table(rows, floor!)}\n\n${pageTable(loads)}`;
console.log(`\n${out}\n`);
const misses = rows.filter((r) => !(r.status === 200 && r.medianMs < TIME_BUDGET_MS && r.bytes < BYTES_BUDGET));
const verdict = misses.length ? `${misses.length} of ${rows.length} rows miss the budget: ${misses.map((m) => m.label).join('; ')}.` : `All ${rows.length} rows within the budget.`;
console.log(verdict);
const full = reps === 15 && userCount === 10000 && projectCount === 10000;
const file = path.join(import.meta.dirname, 'results', full ? 'list-scale.json' : 'list-scale-partial.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify({ machine, reps, users: userCount, projects: projectCount, notebooksPerProject: NOTEBOOKS_PER_PROJECT, seconds: Math.round(seconds), floor: floor!, rows, pageLoads: loads }, null, 2)}\n`);
if (full) {
  const header = `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit}; ${machine.nproc} × ${machine.cpu}; ${userCount.toLocaleString('en')} users, ${projectCount.toLocaleString('en')} projects, ${(projectCount * NOTEBOOKS_PER_PROJECT).toLocaleString('en')} notebooks; median of ${reps} requests after ${WARM_UP} warm-up, next start (production build), sizes uncompressed.`;
  await replaceReadmeSection('<!-- list-scale:start -->', '<!-- list-scale:end -->', `${header}\n\n${out}\n\n${verdict}`);
}
log(`results in ${path.relative(process.cwd(), file)}${full ? ' and bench/README.md' : ''}`);
process.exit(0);
