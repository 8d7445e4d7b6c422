/**
 * Counts the bytes of every typed array and ArrayBuffer created while a function runs: jpeg-js,
 * upng-js, pako and core allocate through the global constructors, so wrapping those sees each
 * buffer a decode creates. The sum (nothing subtracted for what is freed) bounds the live peak from
 * above, which is what a memory budget needs. Views on an existing buffer cost nothing and are not
 * counted. Copies made from an existing array are counted too: typed-array slice/map/filter and
 * ArrayBuffer slice create their result through the original constructor (the species of the
 * instance), not the wrapped global, so those methods are wrapped as well. Install it only in a
 * process of its own (a test file, the fuzz script): it replaces globals.
 */
const NAMES = [
  'ArrayBuffer',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
] as const;

let counting = false;
let total = 0;
let installed = false;
let hook: { minBytes: number; fn: () => void } | null = null;

function record(bytes: number) {
  if (counting) total += bytes;
  if (hook && bytes >= hook.minBytes) hook.fn();
}

/** Wraps a method that returns a new typed array or ArrayBuffer so that its result is counted. */
function countResult(proto: object, method: string) {
  const p = proto as Record<string, (...args: unknown[]) => ArrayBuffer | ArrayBufferView>;
  const original = p[method];
  Object.defineProperty(proto, method, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]) {
      const made = original.apply(this, args);
      record(made.byteLength);
      return made;
    },
  });
}

function install() {
  if (installed) return;
  installed = true;
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  for (const method of ['slice', 'map', 'filter']) countResult(typedArrayProto, method);
  countResult(ArrayBuffer.prototype, 'slice');
  const g = globalThis as unknown as Record<string, object>;
  for (const name of NAMES) {
    const target = g[name] as new (...args: unknown[]) => ArrayBuffer | ArrayBufferView;
    g[name] = new Proxy(target, {
      construct(t, args, newTarget) {
        const made = Reflect.construct(t, args, newTarget === g[name] ? t : newTarget);
        const view = args[0] instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && args[0] instanceof SharedArrayBuffer);
        if (!view) record(made.byteLength);
        return made;
      },
    });
  }
}

/** Calls `fn` right after every allocation of at least `minBytes` (null: no more calls). */
export function onLargeAllocation(minBytes: number, fn: (() => void) | null): void {
  install();
  hook = fn ? { minBytes, fn } : null;
}

/** Runs `fn` and returns what it allocated in typed arrays and ArrayBuffers (not reentrant). */
export async function countAllocations<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; bytes: number }> {
  install();
  total = 0;
  counting = true;
  try {
    return { value: await fn(), bytes: total };
  } catch (error) {
    return { error, bytes: total };
  } finally {
    counting = false;
  }
}
