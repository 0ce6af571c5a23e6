/**
 * The seccomp filter every sandboxed kernel runs under, as the classic-BPF program bwrap's
 * `--seccomp FD` loads. A deny list in the spirit of Docker's default profile: the kernel
 * keeps everything a Python data-science stack uses, and loses the calls that only serve to
 * leave a sandbox or attack the host kernel (mounts, namespaces, keyrings, BPF, module and
 * kexec loading, ptrace, io_uring, perf, terminal injection). Denied calls fail with EPERM.
 *
 * Why not libseccomp: there is no maintained binding for Node, and the program is ~80
 * instructions of a fixed shape, so it is generated here and asserted by running each denied
 * call inside a real sandbox (tests/integration/sandbox-hostile-tenant.test.ts).
 */

/** x86_64 system call numbers (asm/unistd_64.h) of the calls a kernel may not make. */
const DENIED_X86_64: Readonly<Record<string, number>> = {
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  ustat: 136,
  sysfs: 139,
  vhangup: 153,
  pivot_root: 155,
  _sysctl: 156,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  get_kernel_syms: 177,
  quotactl: 179,
  nfsservctl: 180,
  lookup_dcookie: 212,
  clock_settime: 227,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  mount_setattr: 442,
  quotactl_fd: 443,
};

/** The denied calls by name, for tests and the operator's documentation. */
export const DENIED_SYSCALLS = Object.freeze({ ...DENIED_X86_64 });

const SYS_IOCTL = 16;
const SYS_CLONE = 56;
const SYS_CLONE3 = 435;
/** ioctls that push input into a terminal, or rewrite its console (terminal injection). */
const DENIED_IOCTLS = [0x5412 /* TIOCSTI */, 0x541c /* TIOCLINUX */];
/** clone flags that create namespaces: a new user namespace is the usual first step of a kernel exploit. */
const CLONE_NAMESPACE_FLAGS = 0x10000000 /* NEWUSER */ | 0x20000 /* NEWNS */ | 0x40000000 /* NEWNET */ | 0x20000000 /* NEWPID */ | 0x08000000 /* NEWIPC */ | 0x04000000 /* NEWUTS */ | 0x02000000 /* NEWCGROUP */ | 0x80 /* NEWTIME */;

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;

// Classic BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const ENOSYS = 38;

// Offsets in struct seccomp_data: nr, arch, instruction pointer, then six 64-bit args.
const OFF_NR = 0;
const OFF_ARCH = 4;
const offArgLow = (i: number) => 16 + 8 * i;

interface TInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const stmt = (code: number, k: number): TInsn => ({ code, jt: 0, jf: 0, k });
const jump = (code: number, k: number, jt: number, jf: number): TInsn => ({ code, jt, jf, k });

type TReturn = 'allow' | 'errno' | 'enosys' | 'kill';
/** A jump to one of the program's returns, resolved once the program's length is known. */
interface TJumpToReturn {
  code: number;
  k: number;
  /** Which branch goes to the return; the other falls through. */
  on: 'jt' | 'jf';
  to: TReturn;
}

/** The filter for the machine's architecture; throws where none is defined (the sandbox then refuses to start). */
export function seccompProgram(arch: string = process.arch): Buffer {
  if (arch !== 'x64') throw new Error(`no seccomp filter is defined for the ${arch} architecture (only x86_64)`);
  const prog: Array<TInsn | TJumpToReturn> = [];
  const to = (code: number, k: number, on: 'jt' | 'jf', target: TReturn) => prog.push({ code, k, on, to: target });
  prog.push(stmt(LD_W_ABS, OFF_ARCH));
  to(JEQ_K, AUDIT_ARCH_X86_64, 'jf', 'kill');
  prog.push(stmt(LD_W_ABS, OFF_NR));
  to(JGE_K, X32_SYSCALL_BIT, 'jt', 'errno');
  for (const nr of new Set(Object.values(DENIED_X86_64))) to(JEQ_K, nr, 'jt', 'errno');
  // clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc fall back to clone.
  to(JEQ_K, SYS_CLONE3, 'jt', 'enosys');
  // ioctl: deny the terminal-injection requests (their low 32 bits; the high word is 0).
  prog.push(jump(JEQ_K, SYS_IOCTL, 0, 1 + DENIED_IOCTLS.length + 1));
  prog.push(stmt(LD_W_ABS, offArgLow(1)));
  for (const req of DENIED_IOCTLS) to(JEQ_K, req, 'jt', 'errno');
  prog.push(stmt(RET_K, RET_ALLOW));
  // clone: deny any namespace flag (fork and threads never pass one).
  to(JEQ_K, SYS_CLONE, 'jf', 'allow');
  prog.push(stmt(LD_W_ABS, offArgLow(0)));
  to(JSET_K, CLONE_NAMESPACE_FLAGS, 'jt', 'errno');
  const returns: Record<TReturn, TInsn> = {
    allow: stmt(RET_K, RET_ALLOW),
    errno: stmt(RET_K, RET_ERRNO | EPERM),
    enosys: stmt(RET_K, RET_ERRNO | ENOSYS),
    kill: stmt(RET_K, RET_KILL_PROCESS),
  };
  const order = Object.keys(returns) as TReturn[];
  const out: TInsn[] = prog.map((insn, i) => {
    if (!('to' in insn)) return insn;
    const offset = prog.length + order.indexOf(insn.to) - (i + 1);
    if (offset > 255) throw new Error('seccomp program too long for a relative jump');
    return insn.on === 'jt' ? jump(insn.code, insn.k, offset, 0) : jump(insn.code, insn.k, 0, offset);
  });
  out.push(...order.map((name) => returns[name]));
  const buf = Buffer.alloc(out.length * 8);
  out.forEach((insn, i) => {
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(insn.jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}
