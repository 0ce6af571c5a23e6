/**
 * ipykernel 6 imports debugpy (for the debugger protocol), which replaces `sys.breakpointhook`
 * with one that does nothing until a debugger client attaches: `breakpoint()` in a cell was
 * skipped silently. Putting Python's own hook back at start-up makes it open the debugger, whose
 * `ipdb>` prompt asks through input_request like `input()`. Written with `__import__` so the
 * user's namespace gains no `sys`.
 */
const RESTORE_BREAKPOINT = "__import__('sys').breakpointhook = __import__('sys').__breakpointhook__";

/**
 * A user's kernels share one IPython history database; SQLite's default 5 s wait for its lock
 * is too short when many of them run on a loaded machine, and IPython then prints an error
 * into a cell and stops saving history for good. They wait up to a minute instead.
 */
const HISTORY_LOCK_WAIT = "--HistoryManager.connection_options={'check_same_thread': False, 'timeout': 60}";

/** The default kernel command (an environment without its own argv): ipykernel on `connectionFile`. */
export function ipykernelCommand(python: string, connectionFile: string): string[] {
  return [python, ...ipykernelArgs(connectionFile)];
}

/** Its arguments after the Python (which may be a wrapper: the user's package layer). */
export function ipykernelArgs(connectionFile: string): string[] {
  return ['-m', 'ipykernel_launcher', '-f', connectionFile, `--IPKernelApp.exec_lines=${JSON.stringify([RESTORE_BREAKPOINT])}`, HISTORY_LOCK_WAIT];
}
