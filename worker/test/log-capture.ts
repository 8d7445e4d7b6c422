/**
 * Everything this process writes to stdout/stderr while capturing: wrangler's request log and the
 * Worker's own console output (workerd's stdio is piped through this process; set
 * WORKER_LOG_LEVEL=debug before starting the worker to see every line).
 */
const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

export function captureLogs(): { text: () => string; release: () => void } {
  let logged = '';
  const tap = (write: typeof writes.out) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      logged += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tap(writes.out);
  process.stderr.write = tap(writes.err);
  return {
    text: () => logged,
    release: () => {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    },
  };
}
