import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DENIED_SYSCALLS, seccompProgram } from './seccomp-filter';

interface TInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

function decode(buf: Buffer): TInsn[] {
  const out: TInsn[] = [];
  for (let i = 0; i < buf.length; i += 8) out.push({ code: buf.readUInt16LE(i), jt: buf.readUInt8(i + 2), jf: buf.readUInt8(i + 3), k: buf.readUInt32LE(i + 4) });
  return out;
}

/** A classic-BPF interpreter for the instructions the filter uses, over a seccomp_data. */
function evaluate(prog: TInsn[], data: { nr: number; arch: number; args?: number[] }): number {
  const word = (off: number) => (off === 0 ? data.nr : off === 4 ? data.arch : off >= 16 && (off - 16) % 8 === 0 ? (data.args?.[(off - 16) / 8] ?? 0) : 0);
  let acc = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const { code, jt, jf, k } = prog[pc];
    if (code === 0x20) acc = word(k);
    else if (code === 0x06) return k >>> 0;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >>> 0 >= k >>> 0 ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error('fell off the end of the program');
}

const X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const prog = decode(seccompProgram('x64'));

test('every denied call fails with EPERM; ordinary calls (read, write, mmap, getpid, socket, fork) are allowed', () => {
  for (const [name, nr] of Object.entries(DENIED_SYSCALLS)) assert.equal(evaluate(prog, { nr, arch: X86_64 }), EPERM, name);
  for (const nr of [0, 1, 9, 39, 41, 57]) assert.equal(evaluate(prog, { nr, arch: X86_64 }), ALLOW, String(nr));
});

test('clone with a namespace flag is denied, threads and fork are not; clone3 is ENOSYS (glibc falls back to clone)', () => {
  assert.equal(evaluate(prog, { nr: 56, arch: X86_64, args: [0x10000000 | 17] }), EPERM);
  assert.equal(evaluate(prog, { nr: 56, arch: X86_64, args: [0x3d0f00] }), ALLOW);
  assert.equal(evaluate(prog, { nr: 56, arch: X86_64, args: [17] }), ALLOW);
  assert.equal(evaluate(prog, { nr: 435, arch: X86_64 }), 0x00050000 | 38);
});

test('terminal injection ioctls are denied, other ioctls allowed; x32 calls and other architectures are refused', () => {
  assert.equal(evaluate(prog, { nr: 16, arch: X86_64, args: [0, 0x5412] }), EPERM);
  assert.equal(evaluate(prog, { nr: 16, arch: X86_64, args: [0, 0x5401] }), ALLOW);
  assert.equal(evaluate(prog, { nr: 0x40000000 | 1, arch: X86_64 }), EPERM);
  assert.equal(evaluate(prog, { nr: 1, arch: 0x40000003 /* i386 */ }), 0x80000000);
  assert.throws(() => seccompProgram('arm64'), /only x86_64/);
});
