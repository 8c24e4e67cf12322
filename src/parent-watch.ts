const PARENT_CHECK_MS = 500;

/**
 * Under `npm run`/`npm start`, calls `onExit` once when npm is gone. npm forwards only SIGINT and
 * SIGTERM to the script; when npm dies of another signal (SIGHUP, SIGQUIT, SIGKILL) this process
 * is re-parented and would run on with nobody left to stop it.
 */
export function whenNpmExits(onExit: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  // `process.ppid` is read once at start-up, so it still names npm after a re-parenting.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (isAlive(parent)) return;
    clearInterval(watch);
    onExit();
  }, PARENT_CHECK_MS);
  watch.unref();
}

/** Signal 0 asks whether the process still exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
